/* `selftest vtd`: interrupt and DMA remapping checked natively on the
 * assigned device (vtd.native-dma also attacks the hv's IRTEs from the
 * guest through that device). */
#ifndef HV_VTD_SELFTEST_H
#define HV_VTD_SELFTEST_H

struct guest;

/* Each prints its own PASS/FAIL/SKIP line. */
void vtd_test_remap(void);
void vtd_test_bad_sid(void);
void vtd_test_not_present(void);
void vtd_test_bad_handle(void);
void vtd_test_compat_blocked(void);
void vtd_test_ir_faults(void);
void vtd_test_dma_domain(void);
void vtd_test_dma_blocked(void);
/* After native work (`selftest vtd`, `bench native-irq`, `bench
 * irte-update`): none of its IRTEs present, and the device sending the
 * hv's handles delivers nothing. */
void vtd_test_native_cleanup(void);
/* The guest's own device DMA-writes remappable-format MSIs at the hv's
 * native IRTEs (guest test id): they must arrive while the IRTEs are live
 * (the control) and never after native_dev_put. */
void vtd_test_native_dma(struct guest *g, unsigned id);

#endif
