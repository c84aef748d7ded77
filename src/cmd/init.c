/* init.c - `patroli init`: create or migrate the store and data directory. */
#include "cmd/cmd.h"

#include <stdio.h>

#include "store/store.h"

static int init_run(struct cmd_ctx *c)
{
	struct store *st = cmd_store(c);
	int version = 0;

	if (mkdir_p(c->data_dir))
		return 1;
	if (store_schema_version(st, &version))
		return 1;
	printf("store %s (%s) at schema version %d; data in %s\n", c->db_uri,
	       store_backend(st), version, c->data_dir);
	return 0;
}

const struct cmd cmd_init = {
	.name = "init",
	.summary = "create the store and data directory (idempotent)",
	.help = "Migrations also run on first use of any command; init makes "
		"it explicit.",
	.max_args = 0,
	.run = init_run,
};
