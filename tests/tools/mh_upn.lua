-- mh_upn.lua - a tshark dissector for the Update Notification (MH Type 19)
-- and Update Notification Acknowledgement (MH Type 20) of RFC 7077, which
-- tshark 4.0 shows only as "Unknown" Mobility Header types:
--
--   tshark -X lua_script:tests/tools/mh_upn.lua -r CAPTURE ...
--
-- It takes IP protocol 135 and hands every other MH type back to the
-- built-in MIPv6 dissector; for types 19 and 20 it reads the fixed part
-- (Sequence #, Notification Reason and the A/D flags, or Status and
-- Reserved; RFC 7077 4.1/4.2 as doc/protocol.md gives them, written from
-- memory of the RFC) and lets tshark's own option dissectors (dissector
-- table "mip6.option") read the options, so the fields of MN-ID, MN-LL-ID
-- and HNP options are tshark's (mip6.*). What does not fit is an expert
-- error: a Header Len beyond the packet or below the fixed part, an
-- option running past the header, reserved bits set, a HNP option not
-- at 8n+4 (RFC 5213 8.3).
--
-- Owns: reading types 19/20. Must not: change how other types dissect.

local ipproto = DissectorTable.get("ip.proto")
local builtin = ipproto:get_dissector(135)
local options = DissectorTable.get("mip6.option")

local p = Proto("pmipemu_upn", "Mobile IPv6 Update Notification (RFC 7077)")
local reasons = { [1] = "FORCE-REREGISTRATION", [2] = "UPDATE-SESSION-PARAMETERS",
	[3] = "VENDOR-SPECIFIC-REASON", [4] = "ANI-PARAMS-REQUESTED",
	[5] = "QOS_SERVICE_REQUEST", [8] = "FLOW-MOBILITY" }
local statuses = { [0] = "Success", [128] = "Reason unspecified",
	[129] = "MN not attached" }
local f = {
	mhtype = ProtoField.uint8("pmipemu_upn.mhtype", "MH Type"),
	hlen = ProtoField.uint8("pmipemu_upn.hlen", "Header Len"),
	seq = ProtoField.uint16("pmipemu_upn.seq", "Sequence Number"),
	reason = ProtoField.uint8("pmipemu_upn.reason", "Notification Reason", base.DEC, reasons),
	a = ProtoField.bool("pmipemu_upn.a", "Acknowledgement Requested (A)", 8, nil, 0x80),
	d = ProtoField.bool("pmipemu_upn.d", "MAG-initiated deregistration (D)", 8, nil, 0x40),
	status = ProtoField.uint8("pmipemu_upn.status", "Status", base.DEC, statuses),
	reserved = ProtoField.uint8("pmipemu_upn.reserved", "Reserved", base.HEX),
}
p.fields = { f.mhtype, f.hlen, f.seq, f.reason, f.a, f.d, f.status, f.reserved }
local e_bad = ProtoExpert.new("pmipemu_upn.bad", "Malformed Update Notification",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_rsv = ProtoExpert.new("pmipemu_upn.reserved_set", "Reserved bits set",
	expert.group.PROTOCOL, expert.severity.WARN)
local e_align = ProtoExpert.new("pmipemu_upn.align", "Home Network Prefix option not at 8n+4",
	expert.group.PROTOCOL, expert.severity.WARN)
p.experts = { e_bad, e_rsv, e_align }

local function fixed(tvb, t, tree)
	tree:add(f.seq, tvb(6, 2))
	if t == 19 then
		tree:add(f.reason, tvb(8, 1))
		tree:add(f.a, tvb(9, 1))
		tree:add(f.d, tvb(9, 1))
		if bit32.band(tvb(9, 1):uint(), 0x3f) ~= 0 then
			tree:add_proto_expert_info(e_rsv, "flags octet: reserved bits set")
		end
	else
		tree:add(f.status, tvb(8, 1))
		local r = tree:add(f.reserved, tvb(9, 1))
		if tvb(9, 1):uint() ~= 0 then r:add_proto_expert_info(e_rsv) end
	end
end

-- Options from offset 10 to the end of the header, each through tshark's
-- own option dissector.
local function opts(tvb, hlen, pinfo, tree)
	local off = 10
	while off < hlen do
		local ot = tvb(off, 1):uint()
		if ot == 0 then
			off = off + 1
		else
			if off + 2 > hlen or off + 2 + tvb(off + 1, 1):uint() > hlen then
				tree:add_proto_expert_info(e_bad, "option at offset " .. off ..
					" runs past the header")
				return
			end
			local ol = tvb(off + 1, 1):uint()
			if ot == 22 and off % 8 ~= 4 then
				tree:add_proto_expert_info(e_align, "HNP option at offset " .. off)
			end
			options:try(ot, tvb(off, ol + 2):tvb(), pinfo, tree)
			off = off + 2 + ol
		end
	end
end

function p.dissector(tvb, pinfo, tree)
	local t = tvb:len() >= 3 and tvb(2, 1):uint() or 0
	if t ~= 19 and t ~= 20 then
		return builtin:call(tvb, pinfo, tree)
	end
	pinfo.cols.protocol = "MIPv6"
	pinfo.cols.info = t == 19 and "Update Notification" or
		"Update Notification Acknowledgement"
	local hlen = (tvb(1, 1):uint() + 1) * 8
	local st = tree:add(p, tvb(0, math.min(hlen, tvb:len())))
	st:add(f.mhtype, tvb(2, 1))
	st:add(f.hlen, tvb(1, 1))
	if hlen > tvb:len() or hlen < 10 then
		st:add_proto_expert_info(e_bad, "Header Len " .. hlen .. " octets, packet " ..
			tvb:len() .. ", fixed part 10")
		return
	end
	fixed(tvb, t, st)
	opts(tvb, hlen, pinfo, st)
end

ipproto:add(135, p)
