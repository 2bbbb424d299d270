/* The PLATFORM line (hv/provenance.h): gathered once per boot from the
 * CPU, the firmware's SMBIOS and time, the VT-d units and the build. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

struct bootinfo;

/* Parse SMBIOS, form the run id, print "PLATFORM {json}" and a line for
 * each fact that could not be read (SMBIOS malformed, no time). Once, after
 * the backend is chosen. */
void platform_report(const struct bootinfo *bi);
/* The build's `git describe` ("unknown" outside git) and this boot's run
 * id, for every RESULT and HIST line. */
const char *platform_build(void);
const char *platform_run(void);

#endif
