-- pmipemu.lua - Wireshark/tshark dissector for what tshark 4.0 does not
-- decode in pmipemu's captures:
--   * trafgen's payload (nodes/trafgen/tg.h): magic "PMTG", flow hash,
--     sequence number, send time; a heuristic UDP dissector, whatever the
--     ports, and the owner of UDP ports 7000-7009 (which tshark would
--     otherwise read as AFS RX, the example flows use 7001-7004);
--   * Mobility Header types 19 and 20, Update Notification and its
--     Acknowledgement (RFC 7077 4.1, 4.2; reason 8 FLOW-MOBILITY, RFC
--     7864), with their options handed to tshark's own option dissectors;
--   * Mobility options 44, Flow Summary, and 45, Flow Identification
--     (RFC 6089 4.3, 4.2) with its Binding Reference and Traffic Selector
--     sub-options (the IPv6 binary selector of RFC 6088 3.2);
--   * the MN's flow request in a Router Solicitation, ND option 253 (RFC
--     4727 experimental; Kind 1, Scope, Flow Identification data; Kind 2,
--     the request list: Count, FIDs; our design, nodes/pmip/nd_flow.c), as
--     a postdissector (tshark 4.0 has no table for ND options).
-- Layouts as our codecs write them (nodes/pmip/mh_flow.c, flow_ts.c, mh.c;
-- doc/protocol.md says which are from memory).
--
-- Use: tshark -X lua_script:doc/wireshark/pmipemu.lua -r RUN/lma-eth1.pcap
--      or copy it to ~/.local/lib/wireshark/plugins/ (make install puts it
--      in $(PREFIX)/share/pmipemu/wireshark/).
-- Fields: pmipemu.tg.*, pmipemu.upn.*, pmipemu.upa.*, pmipemu.fs.*,
-- pmipemu.fid.*, pmipemu.ts.*, pmipemu.ndflow.*.

local bit = bit32 or bit

---------------------------------------------------------------- trafgen
local tg = Proto("pmipemu_tg", "pmipemu trafgen payload")
local TG_MAGIC, TG_HDR_LEN = 0x504d5447, 24
local tgf = {
	magic = ProtoField.uint32("pmipemu.tg.magic", "Magic", base.HEX),
	flow_hash = ProtoField.uint32("pmipemu.tg.flow_hash", "Flow hash (FNV-1a of the flow id)", base.HEX),
	seq = ProtoField.uint64("pmipemu.tg.seq", "Sequence number", base.DEC),
	send_ns = ProtoField.uint64("pmipemu.tg.send_ns", "Send time (CLOCK_MONOTONIC, ns)", base.DEC),
	padding = ProtoField.bytes("pmipemu.tg.padding", "Padding"),
}
tg.fields = { tgf.magic, tgf.flow_hash, tgf.seq, tgf.send_ns, tgf.padding }

local function tg_is(tvb)
	return tvb:len() >= TG_HDR_LEN and tvb(0, 4):uint() == TG_MAGIC
end

local function tg_dissect(tvb, pinfo, tree)
	if not tg_is(tvb) then
		return 0
	end
	pinfo.cols.protocol = "PMTG"
	local seq = tvb(8, 8):uint64()
	pinfo.cols.info = string.format("trafgen flow %08x seq %s", tvb(4, 4):uint(), tostring(seq))
	local t = tree:add(tg, tvb(0, TG_HDR_LEN), "pmipemu trafgen payload")
	t:add(tgf.magic, tvb(0, 4))
	t:add(tgf.flow_hash, tvb(4, 4))
	t:add(tgf.seq, tvb(8, 8))
	t:add(tgf.send_ns, tvb(16, 8))
	if tvb:len() > TG_HDR_LEN then
		t:add(tgf.padding, tvb(TG_HDR_LEN))
	end
	return tvb:len()
end

function tg.dissector(tvb, pinfo, tree)
	return tg_dissect(tvb, pinfo, tree)
end
tg:register_heuristic("udp", function(tvb, pinfo, tree)
	return tg_dissect(tvb, pinfo, tree) > 0
end)
DissectorTable.get("udp.port"):add("7000-7009", tg)

---------------------------------------------------- traffic selector (RFC 6088 3.2)
local ts = Proto("pmipemu_ts", "IPv6 binary traffic selector (RFC 6088)")
local tsf = {
	flags = ProtoField.uint16("pmipemu.ts.flags", "Flags", base.HEX),
	src_start = ProtoField.ipv6("pmipemu.ts.src_start", "Start source address"),
	src_end = ProtoField.ipv6("pmipemu.ts.src_end", "End source address"),
	dst_start = ProtoField.ipv6("pmipemu.ts.dst_start", "Start destination address"),
	dst_end = ProtoField.ipv6("pmipemu.ts.dst_end", "End destination address"),
	spi_start = ProtoField.uint32("pmipemu.ts.spi_start", "Start IPsec SPI"),
	spi_end = ProtoField.uint32("pmipemu.ts.spi_end", "End IPsec SPI"),
	fl_start = ProtoField.uint32("pmipemu.ts.fl_start", "Start flow label"),
	fl_end = ProtoField.uint32("pmipemu.ts.fl_end", "End flow label"),
	tc_start = ProtoField.uint8("pmipemu.ts.tc_start", "Start traffic class"),
	tc_end = ProtoField.uint8("pmipemu.ts.tc_end", "End traffic class"),
	nh_start = ProtoField.uint8("pmipemu.ts.nh_start", "Start next header"),
	nh_end = ProtoField.uint8("pmipemu.ts.nh_end", "End next header"),
	sport_start = ProtoField.uint16("pmipemu.ts.sport_start", "Start source port"),
	sport_end = ProtoField.uint16("pmipemu.ts.sport_end", "End source port"),
	dport_start = ProtoField.uint16("pmipemu.ts.dport_start", "Start destination port"),
	dport_end = ProtoField.uint16("pmipemu.ts.dport_end", "End destination port"),
}
ts.fields = {}
for _, f in pairs(tsf) do table.insert(ts.fields, f) end
ts.experts = {}
local ts_short = ProtoExpert.new("pmipemu.ts.short", "Traffic selector shorter than its flags say",
				 expert.group.MALFORMED, expert.severity.ERROR)
ts.experts = { ts_short }

-- In flag order, the order of the fields on the wire: flag bit, width, field.
local ts_fields = {
	{ 0x8000, 16, tsf.src_start }, { 0x4000, 16, tsf.src_end },
	{ 0x2000, 16, tsf.dst_start }, { 0x1000, 16, tsf.dst_end },
	{ 0x0800, 4, tsf.spi_start }, { 0x0400, 4, tsf.spi_end },
	{ 0x0200, 4, tsf.fl_start }, { 0x0100, 4, tsf.fl_end },
	{ 0x0080, 1, tsf.tc_start }, { 0x0040, 1, tsf.tc_end },
	{ 0x0020, 1, tsf.nh_start }, { 0x0010, 1, tsf.nh_end },
	{ 0x0008, 2, tsf.sport_start }, { 0x0004, 2, tsf.sport_end },
	{ 0x0002, 2, tsf.dport_start }, { 0x0001, 2, tsf.dport_end },
}

local function ts_dissect(tvb, tree)
	local t = tree:add(ts, tvb(), "IPv6 binary traffic selector (RFC 6088 3.2)")
	if tvb:len() < 4 then
		t:add_proto_expert_info(ts_short)
		return
	end
	local flags = tvb(0, 2):uint()
	t:add(tsf.flags, tvb(0, 2))
	local off = 4                   -- flags (16), Reserved (16)
	for _, f in ipairs(ts_fields) do
		if bit.band(flags, f[1]) ~= 0 then
			if off + f[2] > tvb:len() then
				t:add_proto_expert_info(ts_short)
				return
			end
			t:add(f[3], tvb(off, f[2]))
			off = off + f[2]
		end
	end
end

--------------------------------------------- Flow Summary / Identification
local fs = Proto("pmipemu_fs", "Flow Summary option (RFC 6089)")
local fsf = { fid = ProtoField.uint16("pmipemu.fs.fid", "FID") }
fs.fields = { fsf.fid }

local fid = Proto("pmipemu_fid", "Flow Identification option (RFC 6089)")
local status_names = {
	[0] = "Success", [128] = "Administratively prohibited",
	[129] = "Flow binding rejected, reason unspecified",
	[130] = "Flow identification mobility option malformed",
	[131] = "BID not found", [132] = "FID not found",
	[133] = "Traffic selector format not supported",
}
local sub_names = { [0] = "Pad1", [1] = "PadN", [2] = "Binding Reference", [3] = "Traffic Selector" }
local fidf = {
	fid = ProtoField.uint16("pmipemu.fid.fid", "FID"),
	pri = ProtoField.uint16("pmipemu.fid.pri", "FID-PRI"),
	reserved = ProtoField.uint8("pmipemu.fid.reserved", "Reserved"),
	status = ProtoField.uint8("pmipemu.fid.status", "Status", base.DEC, status_names),
	sub_type = ProtoField.uint8("pmipemu.fid.sub.type", "Sub-option type", base.DEC, sub_names),
	sub_len = ProtoField.uint8("pmipemu.fid.sub.len", "Sub-option length"),
	bid = ProtoField.uint16("pmipemu.fid.bid", "BID"),
	ts_format = ProtoField.uint8("pmipemu.fid.ts_format", "TS Format", base.DEC,
				     { [1] = "IPv4 binary", [2] = "IPv6 binary" }),
}
fid.fields = { fidf.fid, fidf.pri, fidf.reserved, fidf.status, fidf.sub_type, fidf.sub_len,
	       fidf.bid, fidf.ts_format }
local fid_bad = ProtoExpert.new("pmipemu.fid.malformed", "Flow option or sub-option runs past its length",
				expert.group.MALFORMED, expert.severity.ERROR)
fid.experts = { fid_bad }

-- The option dissectors get the whole option: Type (8), Length (8), data.
function fs.dissector(tvb, pinfo, tree)
	local t = tree:add(fs, tvb(), "Flow Summary")
	local len = tvb(1, 1):uint()
	for off = 2, 1 + len - 1, 2 do
		if off + 2 <= tvb:len() then
			t:add(fsf.fid, tvb(off, 2))
		end
	end
	return tvb:len()
end

local function fid_sub(tvb, off, t)
	local ty = tvb(off, 1):uint()
	if ty == 0 then
		t:add(fidf.sub_type, tvb(off, 1))
		return off + 1
	end
	if off + 2 > tvb:len() or off + 2 + tvb(off + 1, 1):uint() > tvb:len() then
		t:add_proto_expert_info(fid_bad)
		return tvb:len()
	end
	local len = tvb(off + 1, 1):uint()
	local s = t:add(fid, tvb(off, 2 + len), "Sub-option: " .. (sub_names[ty] or ty))
	s:add(fidf.sub_type, tvb(off, 1))
	s:add(fidf.sub_len, tvb(off + 1, 1))
	if ty == 2 then
		for b = off + 2, off + len, 2 do
			if b + 2 <= off + 2 + len then s:add(fidf.bid, tvb(b, 2)) end
		end
	elseif ty == 3 and len >= 2 then
		s:add(fidf.ts_format, tvb(off + 2, 1))
		if tvb(off + 2, 1):uint() == 2 and len > 2 then
			ts_dissect(tvb(off + 4, len - 2), s)
		end
	end
	return off + 2 + len
end

function fid.dissector(tvb, pinfo, tree)
	local len = tvb(1, 1):uint()
	local t = tree:add(fid, tvb(), "Flow Identification")
	if len < 6 or 2 + len > tvb:len() then
		t:add_proto_expert_info(fid_bad)
		return tvb:len()
	end
	t:add(fidf.fid, tvb(2, 2))
	t:add(fidf.pri, tvb(4, 2))
	t:add(fidf.reserved, tvb(6, 1))
	t:add(fidf.status, tvb(7, 1))
	local off = 8
	while off < 2 + len do
		off = fid_sub(tvb(0, 2 + len), off, t)
	end
	return tvb:len()
end

local opt_table = DissectorTable.get("mip6.option")
opt_table:add(44, fs)
opt_table:add(45, fid)

------------------------------- the MN's flow request (ND option 253, ours)
local ndflow = Proto("pmipemu_ndflow", "pmipemu flow request (ND option 253)")
local ndf = {
	kind = ProtoField.uint8("pmipemu.ndflow.kind", "Kind", base.DEC,
				{ [1] = "pmipemu flow request", [2] = "pmipemu flow request list" }),
	scope = ProtoField.uint8("pmipemu.ndflow.scope", "Scope", base.DEC,
				 { [0] = "this interface", [1] = "any of my interfaces (don't mind)" }),
	count = ProtoField.uint8("pmipemu.ndflow.count", "Count"),
	list_fid = ProtoField.uint16("pmipemu.ndflow.fid", "FID kept"),
}
ndflow.fields = { ndf.kind, ndf.scope, ndf.count, ndf.list_fid }
local ndflow_bad = ProtoExpert.new("pmipemu.ndflow.malformed", "Flow request list: Count runs past the option",
				   expert.group.MALFORMED, expert.severity.ERROR)
ndflow.experts = { ndflow_bad }
local f_icmpv6 = Field.new("icmpv6")
local f_icmpv6_type = Field.new("icmpv6.type")

-- The Flow Identification data (FID first) of t's request: as option 45's.
local function fid_data(tvb, t)
	if tvb:len() < 6 then
		t:add_proto_expert_info(fid_bad)
		return
	end
	t:add(fidf.fid, tvb(0, 2))
	t:add(fidf.pri, tvb(2, 2))
	t:add(fidf.reserved, tvb(4, 1))
	t:add(fidf.status, tvb(5, 1))
	local off = 6
	while off < tvb:len() do
		off = fid_sub(tvb, off, t)
	end
end

-- A postdissector: after ICMPv6, an RS's options (RFC 4861 4.6: Type,
-- Length in 8-octet units) from octet 8 on; ours are Type 253, Kind 1.
function ndflow.dissector(tvb, pinfo, tree)
	local ty, ic = f_icmpv6_type(), f_icmpv6()
	if not ty or ty.value ~= 133 or not ic then
		return
	end
	local icmp = ic.range:tvb()
	local off = 8
	while off + 2 <= icmp:len() do
		local len = icmp(off + 1, 1):uint() * 8
		if len == 0 or off + len > icmp:len() then
			return
		end
		local kind = len >= 8 and icmp(off, 1):uint() == 253 and icmp(off + 2, 1):uint()
		if kind == 1 then
			local t = tree:add(ndflow, icmp(off, len), "pmipemu flow request (ND option 253)")
			t:add(ndf.kind, icmp(off + 2, 1))
			t:add(ndf.scope, icmp(off + 3, 1))
			fid_data(icmp(off + 4, len - 4):tvb(), t)
		elseif kind == 2 then
			local t = tree:add(ndflow, icmp(off, len), "pmipemu flow request list (ND option 253)")
			local n = icmp(off + 3, 1):uint()
			t:add(ndf.kind, icmp(off + 2, 1))
			t:add(ndf.count, icmp(off + 3, 1))
			if 4 + 2 * n > len then
				t:add_proto_expert_info(ndflow_bad)
			else
				for k = 0, n - 1 do t:add(ndf.list_fid, icmp(off + 4 + 2 * k, 2)) end
			end
		end
		off = off + len
	end
end
register_postdissector(ndflow)

---------------------------------------- Update Notification (RFC 7077)
local un = Proto("pmipemu_un", "Update Notification (RFC 7077)")
local reason_names = {
	[1] = "FORCE-REREGISTRATION", [2] = "UPDATE-SESSION-PARAMETERS",
	[3] = "VENDOR-SPECIFIC-REASON", [4] = "ANI-PARAMS-REQUESTED",
	[8] = "FLOW-MOBILITY",
}
local upa_status = { [0] = "Success", [128] = "Reason unspecified", [129] = "MN not attached" }
local unf = {
	mhtype = ProtoField.uint8("pmipemu.un.mhtype", "MH Type", base.DEC,
				  { [19] = "Update Notification", [20] = "Update Notification Acknowledgement" }),
	seq = ProtoField.uint16("pmipemu.upn.seq", "Sequence number"),
	reason = ProtoField.uint8("pmipemu.upn.reason", "Notification Reason", base.DEC, reason_names),
	a_flag = ProtoField.bool("pmipemu.upn.a_flag", "Acknowledgement requested (A)", 8, nil, 0x80),
	d_flag = ProtoField.bool("pmipemu.upn.d_flag", "MAG-initiated deregistration (D)", 8, nil, 0x40),
	aseq = ProtoField.uint16("pmipemu.upa.seq", "Sequence number"),
	status = ProtoField.uint8("pmipemu.upa.status", "Status", base.DEC, upa_status),
	opt_type = ProtoField.uint8("pmipemu.un.opt_type", "Mobility option type"),
	opt_len = ProtoField.uint8("pmipemu.un.opt_len", "Mobility option length"),
}
un.fields = { unf.mhtype, unf.seq, unf.reason, unf.a_flag, unf.d_flag, unf.aseq, unf.status,
	      unf.opt_type, unf.opt_len }
local un_bad = ProtoExpert.new("pmipemu.un.malformed", "Update Notification shorter than its header or an option runs past it",
			       expert.group.MALFORMED, expert.severity.ERROR)
un.experts = { un_bad }

local mipv6 = DissectorTable.get("ip.proto"):get_dissector(135)   -- the built-in one, before ours

-- Options from offset 10 to the end of the header: the ones tshark knows
-- through its own option table, 44/45 through ours above.
local function un_options(tvb, off, stop, pinfo, t)
	while off < stop do
		local ty = tvb(off, 1):uint()
		if ty == 0 then
			off = off + 1
		else
			if off + 2 > stop or off + 2 + tvb(off + 1, 1):uint() > stop then
				t:add_proto_expert_info(un_bad)
				return
			end
			local len = tvb(off + 1, 1):uint()
			local o = tvb(off, 2 + len)
			if ty == 1 or not opt_table:try(ty, o:tvb(), pinfo, t) then
				local s = t:add(un, o, "Mobility option " .. ty)
				s:add(unf.opt_type, tvb(off, 1))
				s:add(unf.opt_len, tvb(off + 1, 1))
			end
			off = off + 2 + len
		end
	end
end

function un.dissector(tvb, pinfo, tree)
	if tvb:len() < 3 then
		return mipv6:call(tvb, pinfo, tree)
	end
	local ty = tvb(2, 1):uint()
	if ty ~= 19 and ty ~= 20 then
		return mipv6:call(tvb, pinfo, tree)
	end
	local hlen = 8 * (tvb(1, 1):uint() + 1)
	pinfo.cols.protocol = "MIPv6"
	local t = tree:add(un, tvb(0, math.min(hlen, tvb:len())),
			   ty == 19 and "Update Notification" or "Update Notification Acknowledgement")
	t:add(unf.mhtype, tvb(2, 1))
	if hlen > tvb:len() or hlen < 12 then
		t:add_proto_expert_info(un_bad)
		return tvb:len()
	end
	if ty == 19 then
		t:add(unf.seq, tvb(6, 2))
		t:add(unf.reason, tvb(8, 1))
		t:add(unf.a_flag, tvb(9, 1))
		t:add(unf.d_flag, tvb(9, 1))
		pinfo.cols.info = string.format("Update Notification seq=%d reason=%s", tvb(6, 2):uint(),
						reason_names[tvb(8, 1):uint()] or tostring(tvb(8, 1):uint()))
	else
		t:add(unf.aseq, tvb(6, 2))
		t:add(unf.status, tvb(8, 1))
		pinfo.cols.info = string.format("Update Notification Ack seq=%d status=%d",
						tvb(6, 2):uint(), tvb(8, 1):uint())
	end
	un_options(tvb, 10, hlen, pinfo, t)
	return hlen
end
DissectorTable.get("ip.proto"):add(135, un)
