/*
 * cmd.h - the command table and the option parser every subcommand uses.
 *
 * Each file src/cmd/<name>.c defines `const struct cmd cmd_<name>`; the
 * build generates the top-level table from the file names (build/cmdlist.h),
 * so adding a command is adding a file.  A command either runs itself or
 * lists subcommands (`patroli pages export`).  Options and help text come
 * from the same table, so `--help` can never drift from what is parsed.
 *
 * Exit codes: 0 success, 1 runtime failure, 2 misuse (one clear line).
 */
#ifndef PATROLI_CMD_H
#define PATROLI_CMD_H

#include "base/base.h"

struct store;

enum opt_type {
	OPT_FLAG,  /* --name */
	OPT_STR,   /* --name VALUE */
	OPT_INT,   /* --name N (non-negative 64-bit) */
	OPT_MULTI, /* --name VALUE, repeatable */
};

struct cmd_opt {
	const char *name; /* without the leading dashes */
	enum opt_type type;
	const char *metavar;
	const char *help;
};

struct cmd_ctx;

struct cmd {
	const char *name;
	const char *summary;	    /* one line, for `patroli help` */
	const char *usage;	    /* arguments after the command words */
	const char *help;	    /* longer description, may be NULL */
	const struct cmd_opt *opts; /* terminated by {0} */
	int min_args, max_args;	    /* positional arguments; max -1 = any */
	int (*run)(struct cmd_ctx *ctx);
	const struct cmd *const *subs; /* NULL-terminated, or NULL */
};

/* Parsed arguments and shared state handed to run(). */
struct cmd_ctx {
	const char *db_uri;   /* --db, $PATROLI_DB, or ./patroli.db */
	const char *data_dir; /* --data or ./patroli-data */
	int argc;	      /* positional arguments */
	char **argv;
	const struct cmd *cmd;
	const char *path; /* "pages export", for messages */
	/* private to cmd.c */
	const char **vals; /* one per option; NULL if absent */
	char ***multi;	   /* for OPT_MULTI */
	size_t *nmulti;
	struct store *store;
};

bool cmd_flag(const struct cmd_ctx *c, const char *name);
const char *cmd_str(const struct cmd_ctx *c, const char *name, const char *def);
int64_t cmd_int(const struct cmd_ctx *c, const char *name, int64_t def);
/* Values of a repeatable option; *n receives the count. */
char **cmd_multi(const struct cmd_ctx *c, const char *name, size_t *n);

/* Open (migrating on first use) the store named by --db; exits 1 on failure.
 * Owned by the context and closed when the command returns. */
struct store *cmd_store(struct cmd_ctx *c);

/* Print "patroli <path>: <message>" and return 2 (misuse). */
int cmd_usage_error(const struct cmd_ctx *c, const char *fmt, ...)
	PRINTF_LIKE(2, 3);

/* `patroli analyze` as a step of another command (crawl); reads the
 * optional --share option when the command has one.  Returns an exit code. */
int cmd_analyze_run(struct cmd_ctx *c, bool all);

/* The entry point used by main(). */
int cmd_main(int argc, char **argv);

#endif
