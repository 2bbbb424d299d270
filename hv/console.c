/* Serial console: line editing and command dispatch (see console.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/conio.h"
#include "drivers/cpu.h"

#define LINE_MAX	256
#define PROMPT		"irqvisor> "
#define CH_BACKSPACE	0x08
#define CH_DELETE	0x7f
#define CH_CTRL_U	0x15

static void exec_one(char *cmd)
{
	char *arg;
	unsigned i;

	while (isspace((unsigned char)*cmd))
		cmd++;
	arg = cmd + strlen(cmd);
	while (arg > cmd && isspace((unsigned char)arg[-1]))
		*--arg = 0;
	if (!*cmd)
		return;
	arg = cmd + strcspn(cmd, " \t");
	if (*arg) {
		*arg++ = 0;
		arg += strspn(arg, " \t");
	}
	for (i = 0; i < console_ncmds; i++) {
		if (!strcmp(cmd, console_cmds[i].name)) {
			console_cmds[i].fn(arg);
			return;
		}
	}
	printf("unknown command \"%s\": type `help` for the list\n", cmd);
}

/* ';' separates commands except inside double quotes (set autorun="a; b"). */
void console_exec_line(const char *line)
{
	char buf[LINE_MAX * 2];
	char *start = buf, *p;
	bool quoted = false;

	if (strlen(line) >= sizeof(buf)) {
		printf("command line too long (%zu characters, at most %zu)\n",
		       strlen(line), sizeof(buf) - 1);
		return;
	}
	strcpy(buf, line);
	for (p = buf; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ';' && !quoted) {
			*p = 0;
			exec_one(start);
			start = p + 1;
		}
	}
	exec_one(start);
}

/* Read one line with echo; backspace/delete erase, Ctrl-U clears. */
static void read_line(char *buf, size_t max)
{
	size_t len = 0;
	int c;

	for (;;) {
		c = conio_getc();
		if (c < 0) {
			/* Idle: let device and fault interrupts in. */
			cpu_irq_window();
			continue;
		}
		if (c == '\r' || c == '\n') {
			printf("\n");
			break;
		}
		if (c == CH_BACKSPACE || c == CH_DELETE) {
			if (len) {
				len--;
				printf("\b \b");
			}
		} else if (c == CH_CTRL_U) {
			for (; len; len--)
				printf("\b \b");
		} else if (isprint(c) && len + 1 < max) {
			buf[len++] = (char)c;
			putchar(c);
		}
		fflush(stdout);
	}
	buf[len] = 0;
}

void console_run(const char *autorun)
{
	char line[LINE_MAX];

	if (autorun && *autorun) {
		printf("autorun: %s\n", autorun);
		console_exec_line(autorun);
	}
	for (;;) {
		conio_break_clear();
		printf(PROMPT);
		fflush(stdout);
		read_line(line, sizeof(line));
		console_exec_line(line);
	}
}
