/* The serial console shell: line input and the commands of DESIGN.md. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

/* Run `autorun` (commands separated by ';'), then read commands forever. */
void __attribute__((noreturn)) console_run(const char *autorun);
/* Execute one line of ';'-separated commands. */
void console_exec_line(const char *line);

/* A console command (hv/commands.c). */
struct console_cmd {
	const char *name;
	const char *args;
	const char *help;
	void (*fn)(const char *arg);
};
extern const struct console_cmd console_cmds[];
extern const unsigned console_ncmds;

/* `info` (hv/info.c). */
void info_print(void);

#endif
