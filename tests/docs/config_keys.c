/* Prints the agent's key reference (config_keys_describe) for
 * tests/docs/check_docs.py, which compares it with the documentation. */
#include <stdio.h>

#include "config_phases.h"

int main(void)
{
	config_keys_describe(stdout);
	return ferror(stdout) ? 1 : 0;
}
