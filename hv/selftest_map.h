/* `selftest map-attack` (msix=map): the guest writes hostile messages into
 * its own MSI-X table; the hv sets up a live IRTE of its own that the
 * guest must not reach, and checks afterwards that nothing reached it and
 * that no IRTE other than the guest's changed. */
#ifndef HV_SELFTEST_MAP_H
#define HV_SELFTEST_MAP_H

struct guest;

/* Run guest test id under the hv's checks; prints the hv's verdict
 * ("map-attack"), the guest prints one per case. SKIPs naming why outside
 * map mode, without a device the guest drives through MSI-X, or without
 * interrupt remapping. */
void selftest_map_attack(struct guest *g, unsigned id);

#endif
