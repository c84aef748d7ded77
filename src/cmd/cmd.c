/*
 * cmd.c - git-style dispatch: `patroli [global options] <command>
 * [<subcommand>] [options] [args]`, driven entirely by the cmd tables.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "cmdlist.h"

static const struct cmd *const commands[] = {CMD_LIST};

static const struct cmd_opt global_opts[] = {
	{"db", OPT_STR, "PATH|URI",
	 "store: SQLite file or postgres:// URI (default $PATROLI_DB or "
	 "./patroli.db)"},
	{"data", OPT_STR, "DIR",
	 "data directory for WARC files and exports (default "
	 "./patroli-data)"},
	{"verbose", OPT_FLAG, NULL, "log debug messages"},
	{"quiet", OPT_FLAG, NULL, "log errors only"},
	{0},
};

int cmd_usage_error(const struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "patroli %s: ", c && c->path ? c->path : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'patroli %s --help')\n",
		c && c->path ? c->path : "help");
	return 2;
}

static int opt_index(const struct cmd_opt *opts, const char *name, size_t n)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == n &&
		    !strncmp(opts[i].name, name, n))
			return i;
	return -1;
}

static int find_opt(const struct cmd_ctx *c, const char *name)
{
	int i = opt_index(c->cmd->opts, name, strlen(name));

	if (i < 0)
		die("command '%s' has no option --%s", c->path, name);
	return i;
}

bool cmd_flag(const struct cmd_ctx *c, const char *name)
{
	return c->vals[find_opt(c, name)] != NULL;
}

const char *cmd_str(const struct cmd_ctx *c, const char *name, const char *def)
{
	int i = opt_index(c->cmd->opts, name, strlen(name));

	/* Shared steps ask for options their host command may not have. */
	if (i < 0)
		return def;
	return c->vals[i] ? c->vals[i] : def;
}

int64_t cmd_int(const struct cmd_ctx *c, const char *name, int64_t def)
{
	const char *v = c->vals[find_opt(c, name)];
	int64_t n;

	if (!v)
		return def;
	/* validated when parsed */
	parse_i64(v, 0, INT64_MAX, &n);
	return n;
}

char **cmd_multi(const struct cmd_ctx *c, const char *name, size_t *n)
{
	int i = find_opt(c, name);

	*n = c->nmulti[i];
	return c->multi[i];
}

struct store *cmd_store(struct cmd_ctx *c)
{
	if (!c->store && store_open(c->db_uri, &c->store))
		exit(1);
	return c->store;
}

static void print_opts(FILE *f, const struct cmd_opt *opts)
{
	for (int i = 0; opts && opts[i].name; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name,
			 opts[i].metavar ? " " : "",
			 opts[i].metavar ? opts[i].metavar : "");
		fprintf(f, "  %-24s %s%s\n", left, opts[i].help,
			opts[i].type == OPT_MULTI ? " (repeatable)" : "");
	}
}

static void print_help(FILE *f, const char *path, const struct cmd *cmd)
{
	fprintf(f, "usage: patroli %s%s%s%s\n", path,
		cmd->subs ? " <subcommand>" : "", cmd->usage ? " " : "",
		cmd->usage ? cmd->usage : "");
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s\n", cmd->help);
	if (cmd->subs) {
		fputs("\nsubcommands:\n", f);
		for (int i = 0; cmd->subs[i]; i++)
			fprintf(f, "  %-12s %s\n", cmd->subs[i]->name,
				cmd->subs[i]->summary);
	}
	if (cmd->opts && cmd->opts[0].name) {
		fputs("\noptions:\n", f);
		print_opts(f, cmd->opts);
	}
}

static void print_main_help(FILE *f)
{
	fputs("usage: patroli [global options] <command> [<subcommand>] "
	      "[options] [args]\n\n"
	      "Cyber patrol for BPOM: crawl, keep evidence, find illegal "
	      "listings.\n\ncommands:\n",
	      f);
	for (size_t i = 0; commands[i]; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name,
			commands[i]->summary);
	fputs("\nglobal options:\n", f);
	print_opts(f, global_opts);
	fputs("\n'patroli <command> --help' describes a command.\n", f);
}

static const struct cmd *find_cmd(const struct cmd *const *list,
				  const char *name)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i]->name, name))
			return list[i];
	return NULL;
}

/* Parse `--name value`, `--name=value` and flags; the rest is positional. */
static int parse_args(struct cmd_ctx *c, const struct cmd_opt *opts, int argc,
		      char **argv, bool *help)
{
	int nopts = 0;

	while (opts && opts[nopts].name)
		nopts++;
	c->vals = xcalloc((size_t)nopts + 1, sizeof(*c->vals));
	c->multi = xcalloc((size_t)nopts + 1, sizeof(*c->multi));
	c->nmulti = xcalloc((size_t)nopts + 1, sizeof(*c->nmulti));
	c->argv = xcalloc((size_t)argc + 1, sizeof(*c->argv));
	c->argc = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val, *eq;
		size_t n;
		int k;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				c->argv[c->argc++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			if (!strcmp(a, "-h")) {
				*help = true;
				continue;
			}
			c->argv[c->argc++] = argv[i];
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		if (n == 4 && !strncmp(a, "help", 4)) {
			*help = true;
			continue;
		}
		k = opt_index(opts, a, n);
		if (k < 0 || !opts)
			return cmd_usage_error(c, "unknown option --%.*s",
					       (int)n, a);
		if (opts[k].type == OPT_FLAG) {
			if (eq)
				return cmd_usage_error(
					c, "option --%s takes no value",
					opts[k].name);
			c->vals[k] = "1";
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return cmd_usage_error(c, "option --%s needs a value",
					       opts[k].name);
		if (opts[k].type == OPT_INT) {
			int64_t v;
			if (parse_i64(val, 0, INT64_MAX, &v))
				return cmd_usage_error(
					c,
					"option --%s: '%s' is not a "
					"non-negative whole number",
					opts[k].name, val);
		}
		if (opts[k].type == OPT_MULTI) {
			size_t cap = c->nmulti[k];
			c->multi[k] = xrealloc(c->multi[k],
					       (cap + 1) * sizeof(char *));
			c->multi[k][c->nmulti[k]++] = (char *)val;
		}
		c->vals[k] = val;
	}
	return 0;
}

static void ctx_release(struct cmd_ctx *c)
{
	int n = 0;

	while (c->cmd && c->cmd->opts && c->cmd->opts[n].name)
		n++;
	for (int i = 0; i < n && c->multi; i++)
		free(c->multi[i]);
	free(c->multi);
	free(c->nmulti);
	free(c->vals);
	free(c->argv);
	c->multi = NULL;
	c->nmulti = NULL;
	c->vals = NULL;
	c->argv = NULL;
}

/* Global options stand before the command word. */
static int parse_globals(int argc, char **argv, int *i, struct cmd_ctx *c)
{
	for (; *i < argc && !strncmp(argv[*i], "--", 2); (*i)++) {
		const char *a = argv[*i] + 2;
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const char *val = NULL;
		int k = opt_index(global_opts, a, n);

		if (n == 4 && !strncmp(a, "help", 4))
			return 1;
		if (k < 0)
			return cmd_usage_error(c, "unknown global option %s",
					       argv[*i]);
		if (global_opts[k].type == OPT_STR) {
			if (eq)
				val = eq + 1;
			else if (*i + 1 < argc)
				val = argv[++*i];
			else
				return cmd_usage_error(
					c, "option --%s needs a value",
					global_opts[k].name);
		}
		if (k == 0)
			c->db_uri = val;
		else if (k == 1)
			c->data_dir = val;
		else if (k == 2)
			log_set_level(LOG_DEBUG);
		else
			log_set_level(LOG_ERROR);
	}
	return 0;
}

int cmd_main(int argc, char **argv)
{
	struct cmd_ctx c = {0};
	const struct cmd *cmd;
	char path[128];
	bool help = false;
	int i = 1, rc;
	const char *env = getenv("PATROLI_DB");

	c.db_uri = env && *env ? env : "patroli.db";
	c.data_dir = "patroli-data";
	c.path = "";
	rc = parse_globals(argc, argv, &i, &c);
	if (rc == 1 || i >= argc || !strcmp(argv[i], "help")) {
		const struct cmd *h =
			i + 1 < argc ? find_cmd(commands, argv[i + 1]) : NULL;
		if (h)
			print_help(stdout, h->name, h);
		else
			print_main_help(rc == 1 || i < argc ? stdout : stderr);
		return rc == 1 || i < argc ? 0 : 2;
	}
	if (rc)
		return rc;
	cmd = find_cmd(commands, argv[i]);
	if (!cmd)
		return cmd_usage_error(&c, "unknown command '%s'", argv[i]);
	snprintf(path, sizeof(path), "%s", cmd->name);
	i++;
	while (cmd->subs) {
		const struct cmd *sub;
		size_t len = strlen(path);

		if (i >= argc || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "-h")) {
			print_help(i >= argc ? stderr : stdout, path, cmd);
			return i >= argc ? 2 : 0;
		}
		sub = find_cmd(cmd->subs, argv[i]);
		c.path = path;
		if (!sub)
			return cmd_usage_error(&c, "unknown subcommand '%s'",
					       argv[i]);
		snprintf(path + len, sizeof(path) - len, " %s", sub->name);
		cmd = sub;
		i++;
	}
	c.cmd = cmd;
	c.path = path;
	rc = parse_args(&c, cmd->opts, argc - i, argv + i, &help);
	if (!rc && help) {
		print_help(stdout, path, cmd);
	} else if (!rc && c.argc < cmd->min_args) {
		rc = cmd_usage_error(&c, "missing argument (usage: %s)",
				     cmd->usage ? cmd->usage : "");
	} else if (!rc && cmd->max_args >= 0 && c.argc > cmd->max_args) {
		rc = cmd_usage_error(&c, "unexpected argument '%s'",
				     c.argv[cmd->max_args]);
	} else if (!rc) {
		rc = cmd->run(&c);
	}
	if (c.store)
		store_close(c.store);
	ctx_release(&c);
	return rc;
}
