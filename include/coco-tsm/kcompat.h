/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel interfaces that changed between the kernels this project builds
 * for (6.1 to 7.x), in one place. Each entry is decided from the kernel's
 * headers, by a flag that Kbuild.probe sets after looking at them. The
 * code that uses them
 * reads the same on every kernel. (Not __has_include(): sparse knows no
 * such thing.)
 */
#ifndef __COCO_TSM_KCOMPAT_H
#define __COCO_TSM_KCOMPAT_H

#include <linux/net.h>
#include <linux/socket.h>

/* get_unaligned_*(), put_unaligned_*(): in <linux/unaligned.h> from 6.12 */
#ifdef COCO_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* bin2hex(), hex2bin(): split out of <linux/kernel.h> into <linux/hex.h> */
#ifdef COCO_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#else
#include <linux/kernel.h>
#endif

/*
 * kernel_connect() takes a struct sockaddr_unsized in 7.x; the address
 * itself is the same bytes.
 */
static inline int coco_kernel_connect(struct socket *sock, void *addr,
				      int addrlen, int flags)
{
#ifdef COCO_HAVE_SOCKADDR_UNSIZED
	return kernel_connect(sock, (struct sockaddr_unsized *)addr, addrlen,
			      flags);
#else
	return kernel_connect(sock, (struct sockaddr *)addr, addrlen, flags);
#endif
}

/*
 * bin_attribute read()/write() take a const attribute from 6.17 on, and
 * attribute_group.bin_attrs then holds const pointers.
 */
#ifdef COCO_HAVE_CONST_BIN_ATTR
#define coco_bin_attr_const	const
#else
#define coco_bin_attr_const
#endif

/*
 * The per-CPU count of X86_PLATFORM_IPI_VECTOR interrupts (irq_stat): a
 * named member until 7.x made the counters an array.
 */
#ifdef COCO_HAVE_IRQ_COUNTS
#define coco_x86_platform_ipis(cpu)					\
	(per_cpu(irq_stat, cpu).counts[IRQ_COUNT_X86_PLATFORM_IPI])
#else
#define coco_x86_platform_ipis(cpu)	(per_cpu(irq_stat, cpu).x86_platform_ipis)
#endif

#endif /* __COCO_TSM_KCOMPAT_H */
