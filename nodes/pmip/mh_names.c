/*
 * mh_names.c - printable names of the Mobility Header enums.
 *
 * Owns: one name function per enum of mh.h, for logs and events.
 * Must not: be used to parse; unknown values print as "UNKNOWN".
 */
#include "mh.h"

struct name_entry {
	unsigned value;
	const char *name;
};

static const char *name_find(const struct name_entry *t, size_t n,
			     unsigned value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return "UNKNOWN";
}

#define NAME(x) { x, #x }
#define FIND(t, v) name_find(t, sizeof t / sizeof t[0], v)

const char *mh_be_status_name(unsigned status)
{
	switch (status) {
	case MH_BE_STATUS_UNKNOWN_HOA_OPTION: return "MH_BE_STATUS_UNKNOWN_HOA_OPTION";
	case MH_BE_STATUS_UNRECOGNIZED_MH_TYPE: return "MH_BE_STATUS_UNRECOGNIZED_MH_TYPE";
	default: return "MH_BE_STATUS_UNKNOWN";
	}
}

const char *mh_br_trigger_name(unsigned trigger)
{
	static const struct name_entry t[] = {
		NAME(MH_BR_TRIGGER_UNSPECIFIED), NAME(MH_BR_TRIGGER_ADMINISTRATIVE_REASON),
		NAME(MH_BR_TRIGGER_INTER_MAG_SAME_ATT),
		NAME(MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT),
		NAME(MH_BR_TRIGGER_INTER_MAG_UNKNOWN),
		NAME(MH_BR_TRIGGER_USER_SESSION_TERMINATION),
		NAME(MH_BR_TRIGGER_ACCESS_NETWORK_SESSION_TERMINATION),
		NAME(MH_BR_TRIGGER_OUT_OF_SYNC_BCE_STATE),
		NAME(MH_BR_TRIGGER_PER_PEER_POLICY),
		NAME(MH_BR_TRIGGER_REVOKING_NODE_LOCAL_POLICY),
	};

	return FIND(t, trigger);
}

const char *mh_bra_status_name(unsigned status)
{
	static const struct name_entry t[] = {
		NAME(MH_BRA_STATUS_SUCCESS), NAME(MH_BRA_STATUS_PARTIAL_SUCCESS),
		NAME(MH_BRA_STATUS_BINDING_DOES_NOT_EXIST),
		NAME(MH_BRA_STATUS_IPV4_HOA_OPTION_REQUIRED),
		NAME(MH_BRA_STATUS_GLOBAL_REVOCATION_NOT_AUTHORIZED),
		NAME(MH_BRA_STATUS_MN_IDENTITY_REQUIRED), NAME(MH_BRA_STATUS_MN_IS_ATTACHED),
		NAME(MH_BRA_STATUS_TRIGGER_NOT_SUPPORTED),
		NAME(MH_BRA_STATUS_FUNCTION_NOT_SUPPORTED),
		NAME(MH_BRA_STATUS_PROXY_REVOCATION_NOT_SUPPORTED),
	};

	return FIND(t, status);
}

const char *mh_type_name(unsigned type)
{
	static const struct name_entry t[] = {
		NAME(MH_TYPE_BRR), NAME(MH_TYPE_HOTI), NAME(MH_TYPE_COTI),
		NAME(MH_TYPE_HOT), NAME(MH_TYPE_COT), NAME(MH_TYPE_BU),
		NAME(MH_TYPE_BA), NAME(MH_TYPE_BE), NAME(MH_TYPE_HEARTBEAT),
		NAME(MH_TYPE_HI), NAME(MH_TYPE_HACK),
		NAME(MH_TYPE_BR), NAME(MH_TYPE_UPN), NAME(MH_TYPE_UPA),
	};
	return FIND(t, type);
}

const char *mh_opt_name(unsigned type)
{
	static const struct name_entry t[] = {
		NAME(MH_OPT_PAD1), NAME(MH_OPT_PADN), NAME(MH_OPT_MN_ID),
		NAME(MH_OPT_HNP), NAME(MH_OPT_HI), NAME(MH_OPT_ATT),
		NAME(MH_OPT_MN_LL_ID), NAME(MH_OPT_LL_ADDR), NAME(MH_OPT_RESTART_COUNTER),
		NAME(MH_OPT_TIMESTAMP), NAME(MH_OPT_BID), NAME(MH_OPT_ALT_COA),
		NAME(MH_OPT_SERVICE_SELECTION),
		NAME(MH_OPT_FLOW_SUMMARY), NAME(MH_OPT_FLOW_ID),
	};
	return FIND(t, type);
}

const char *mh_flow_status_name(unsigned status)
{
	static const struct name_entry t[] = {
		NAME(MH_FLOW_STATUS_SUCCESS),
		NAME(MH_FLOW_STATUS_ADMINISTRATIVELY_PROHIBITED),
		NAME(MH_FLOW_STATUS_REJECTED_UNSPECIFIED),
		NAME(MH_FLOW_STATUS_OPTION_MALFORMED),
		NAME(MH_FLOW_STATUS_BID_NOT_FOUND),
		NAME(MH_FLOW_STATUS_FID_NOT_FOUND),
		NAME(MH_FLOW_STATUS_TS_FORMAT_NOT_SUPPORTED),
	};
	return FIND(t, status);
}

const char *mh_hack_code_name(unsigned code)
{
	static const struct name_entry t[] = {
		NAME(MH_HACK_ACCEPTED), NAME(MH_HACK_NOT_ACCEPTED),
		NAME(MH_HACK_ADMINISTRATIVELY_PROHIBITED),
		NAME(MH_HACK_INSUFFICIENT_RESOURCES),
	};
	return FIND(t, code);
}

const char *mh_upn_reason_name(unsigned reason)
{
	static const struct name_entry t[] = {
		NAME(MH_UPN_REASON_FORCE_REREGISTRATION),
		NAME(MH_UPN_REASON_UPDATE_SESSION_PARAMETERS),
		NAME(MH_UPN_REASON_VENDOR_SPECIFIC), NAME(MH_UPN_REASON_ANI_PARAMS_REQUESTED),
		NAME(MH_UPN_REASON_FLOW_MOBILITY),
	};
	return FIND(t, reason);
}

const char *mh_upa_status_name(unsigned status)
{
	static const struct name_entry t[] = {
		NAME(MH_UPA_STATUS_SUCCESS), NAME(MH_UPA_STATUS_REASON_UNSPECIFIED),
		NAME(MH_UPA_STATUS_MN_NOT_ATTACHED),
	};
	return FIND(t, status);
}

const char *pba_status_name(unsigned status)
{
	static const struct name_entry t[] = {
		NAME(PBA_STATUS_ACCEPTED),
		NAME(PBA_STATUS_UNSPECIFIED),
		NAME(PBA_STATUS_SERVICE_AUTHORIZATION_FAILED),
		NAME(PBA_STATUS_PROXY_REG_NOT_ENABLED),
		NAME(PBA_STATUS_NOT_LMA_FOR_THIS_MOBILE_NODE),
		NAME(PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG),
		NAME(PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX),
		NAME(PBA_STATUS_TIMESTAMP_MISMATCH),
		NAME(PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED),
		NAME(PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION),
		NAME(PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH),
		NAME(PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION),
		NAME(PBA_STATUS_MISSING_HANDOFF_INDICATOR_OPTION),
		NAME(PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION),
	};
	return FIND(t, status);
}

const char *mh_hi_name(unsigned hi)
{
	static const struct name_entry t[] = {
		NAME(MH_HI_RESERVED), NAME(MH_HI_ATTACH_NEW_IFACE),
		NAME(MH_HI_HANDOFF_BETWEEN_IFACES),
		NAME(MH_HI_HANDOFF_SAME_IFACE), NAME(MH_HI_UNKNOWN),
		NAME(MH_HI_NOT_CHANGED),
	};
	return FIND(t, hi);
}

const char *mh_att_name(unsigned att)
{
	static const struct name_entry t[] = {
		NAME(MH_ATT_RESERVED), NAME(MH_ATT_VIRTUAL), NAME(MH_ATT_PPP),
		NAME(MH_ATT_ETHERNET), NAME(MH_ATT_WLAN), NAME(MH_ATT_WIMAX),
		NAME(MH_ATT_3GPP_GERAN), NAME(MH_ATT_3GPP_UTRAN),
		NAME(MH_ATT_3GPP_EUTRAN),
	};
	return FIND(t, att);
}
