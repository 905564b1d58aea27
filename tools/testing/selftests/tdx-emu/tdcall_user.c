// SPDX-License-Identifier: GPL-2.0
/*
 * TDCALL from user mode. Outside a TD the instruction raises #UD, which
 * the kernel turns into SIGILL: the TDX platform emulator answers the
 * kernel's own TDCALLs, never a program's. Exits 0 only if the instruction
 * returned, which it must not.
 */
int main(void)
{
	asm volatile(".byte 0x66,0x0f,0x01,0xcc" ::: "memory");
	return 0;
}
