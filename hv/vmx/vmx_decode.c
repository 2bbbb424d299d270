/* VMX exit decoding (see vmx_decode.h). */
#include <errno.h>
#include <stdbool.h>
#include "hv/vmx/vmx_decode.h"
#include "hv/vmx/vmcs.h"
#include "drivers/cpu.h"


enum exit_reason vmx_exit_reason(uint32_t basic)
{
	switch (basic) {
	case VMX_EXIT_VMCALL:		return EXIT_HYPERCALL;
	case VMX_EXIT_CPUID:		return EXIT_CPUID;
	case VMX_EXIT_HLT:		return EXIT_HLT;
	case VMX_EXIT_EXTINT:		return EXIT_INTR;
	case VMX_EXIT_INTR_WINDOW:
	case VMX_EXIT_NMI_WINDOW:	return EXIT_IRQ_WINDOW;
	case VMX_EXIT_TRIPLE_FAULT:	return EXIT_SHUTDOWN;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:		return EXIT_MSR;
	case VMX_EXIT_PREEMPTION_TIMER:	return EXIT_TIMER;
	case VMX_EXIT_BAD_GUEST:
	case VMX_EXIT_BAD_MSR_LOAD:
	case VMX_EXIT_MCE_ENTRY:
	case VMX_EXIT_EPT_MISCONFIG:	return EXIT_INVALID;
	default:			return EXIT_UNKNOWN;
	}
}

int vmx_decode_io(uint64_t qual, struct vcpu_exit *e)
{
	uint64_t size = FIELD_GET(IO_QUAL_SIZE, qual);

	/* 0: 1 byte, 1: 2 bytes, 3: 4 bytes; other values are not used. */
	if (size != 0 && size != 1 && size != 3)
		return -EINVAL;
	e->reason = EXIT_IO;
	e->io.size = (uint8_t)(size + 1);
	e->io.port = (uint16_t)FIELD_GET(IO_QUAL_PORT, qual);
	e->io.in = qual & IO_QUAL_IN;
	e->io.string = qual & IO_QUAL_STRING;
	e->io.rep = qual & IO_QUAL_REP;
	return 0;
}

void vmx_decode_ept(uint64_t qual, uint64_t gpa, struct vcpu_exit *e)
{
	e->reason = EXIT_NPF;
	e->npf.gpa = gpa;
	e->npf.write = qual & EPT_QUAL_WRITE;
	e->npf.fetch = qual & EPT_QUAL_FETCH;
	/* Present: the entry allowed some access, just not this one. */
	e->npf.present = qual & (EPT_QUAL_READABLE | EPT_QUAL_WRITABLE | EPT_QUAL_EXECUTABLE);
}

void vmx_decode_apic_access(uint64_t qual, uint64_t apic_gpa, struct vcpu_exit *e)
{
	uint64_t type = FIELD_GET(APIC_QUAL_TYPE, qual);

	if (type != APIC_ACCESS_LINEAR_READ && type != APIC_ACCESS_LINEAR_WRITE) {
		e->reason = EXIT_UNKNOWN;
		return;
	}
	e->reason = EXIT_NPF;
	e->npf.gpa = apic_gpa + FIELD_GET(APIC_QUAL_OFFSET, qual);
	e->npf.write = type == APIC_ACCESS_LINEAR_WRITE;
	e->npf.fetch = false;
	e->npf.present = true;
}

void vmx_decode_exception(uint32_t intr_info, uint32_t error, struct vcpu_exit *e)
{
	uint8_t vector = (uint8_t)FIELD_GET(INTR_INFO_VECTOR, intr_info);
	bool has_error = intr_info & INTR_INFO_HAS_ERROR;

	if (!(intr_info & INTR_INFO_VALID)) {
		e->reason = EXIT_UNKNOWN;
		return;
	}
	if (FIELD_GET(INTR_INFO_TYPE, intr_info) == INTR_TYPE_NMI) {
		e->reason = EXIT_NMI;
		return;
	}
	e->exc.vector = vector;
	e->exc.has_error = has_error;
	e->exc.error = has_error ? error : 0;
	e->reason = vector == EXC_DB ? EXIT_DB : vector == EXC_AC ? EXIT_AC : EXIT_EXCEPTION;
}

static const char *const insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(uint32_t err)
{
	if (err < sizeof(insn_errors) / sizeof(insn_errors[0]) && insn_errors[err])
		return insn_errors[err];
	return "unknown VM-instruction error";
}

static const char *const exit_names[VMX_EXIT_REASONS] = {
	[0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
	[3] = "INIT", [4] = "SIPI", [5] = "I/O SMI", [6] = "other SMI",
	[7] = "interrupt window", [8] = "NMI window", [9] = "task switch",
	[10] = "CPUID", [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG",
	[15] = "RDPMC", [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR",
	[20] = "VMLAUNCH", [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD",
	[24] = "VMRESUME", [25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON",
	[28] = "control-register access", [29] = "MOV DR", [30] = "I/O instruction",
	[31] = "RDMSR", [32] = "WRMSR", [33] = "VM-entry failure: invalid guest state",
	[34] = "VM-entry failure: MSR loading", [36] = "MWAIT",
	[37] = "monitor trap flag", [39] = "MONITOR", [40] = "PAUSE",
	[41] = "VM-entry failure: machine-check event", [43] = "TPR below threshold",
	[44] = "APIC access", [45] = "virtualized EOI", [46] = "GDTR/IDTR access",
	[47] = "LDTR/TR access", [48] = "EPT violation", [49] = "EPT misconfiguration",
	[50] = "INVEPT", [51] = "RDTSCP", [52] = "VMX-preemption timer expired",
	[53] = "INVVPID", [54] = "WBINVD", [55] = "XSETBV", [56] = "APIC write",
	[57] = "RDRAND", [58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS",
	[61] = "RDSEED", [62] = "page-modification log full", [63] = "XSAVES",
	[64] = "XRSTORS", [65] = "ENCLV",
};

const char *vmx_exit_reason_name(uint32_t basic)
{
	if (basic < VMX_EXIT_REASONS && exit_names[basic])
		return exit_names[basic];
	return "unknown exit reason";
}
