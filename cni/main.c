/* Placeholder until the CNI plugin lands. */
int main(void)
{
	return 1;
}
