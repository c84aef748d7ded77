/* main.c - patroli's entry point: everything happens in the command table. */
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
