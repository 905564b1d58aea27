// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test harness for the TDX platform emulator: a stand-in TD that executes
 * TDCALL with whatever arguments a test asks for, including the wrong ones
 * no well-behaved driver passes, so that the emulator's error codes and its
 * GetQuote life cycle can be tested without the tdx-guest driver. Driven
 * from tools/testing/selftests/tdx-emu. Loads only where the CPU says it is
 * a TDX guest (with tdx_emu.ko loaded).
 *
 * /sys/kernel/debug/tdx_emu_test/ (root only):
 *   tdcall		write "RAX RCX RDX R8 R9 R10 R11 R12 R13 R14 R15" in
 *			hex, the registers of one TDCALL; read them back as
 *			they were after it
 *   mr_report		write "TDREPORT REPORTDATA SUBTYPE"
 *   rtmr_extend	write "DATA INDEX"
 *   setup_event_notify	write "VECTOR", made on the writer's CPU
 *   get_td_vm_call_info write "LEAF"; R11..R14 of the answer go to info
 *   info		read "R11 R12 R13 R14" of the last GetTdVmCallInfo
 *   get_quote		write "SIZE [OFFSET [VERSION [IN_LEN [SEED]]]]": a new
 *			shared buffer with a fresh TDREPORT for REPORTDATA
 *			bytes SEED + 0 .. SEED + 63 (default SEED 0), then
 *			GetQuote
 *   resubmit		write "SEED": a fresh TDREPORT for REPORTDATA SEED + 0
 *			.. SEED + 63 into the picked buffer, then GetQuote on
 *			it again, whether or not the host still owns it
 *   free_quotes	write 1: free every buffer, owned by the host or not
 *   status		read the last call's status, 0x%016llx
 *   pick		write N: quote, quote_data and quote_gpa show the
 *			Nth newest buffer (0, the newest, by default and
 *			again after each get_quote or free_quotes); ENOENT
 *			from them if there is no such buffer
 *   quote		read "STATUS OUT_LEN" of the picked buffer
 *   quote_data		read min(OUT_LEN, room) data bytes of that buffer
 *   quote_gpa		read the guest physical address of that buffer
 *   watch_status	a read waits (up to 10 s) for the newest buffer to
 *			leave IN_FLIGHT and returns "STATUS OUT_LEN" as they
 *			were the moment the status changed, prefixed with
 *			"late " if it had changed before the read started
 *   watch_irq		write "CPU" to arm; a read then waits (up to 10 s) for
 *			the next X86_PLATFORM_IPI_VECTOR on CPU and returns
 *			"STATUS OUT_LEN" of the newest buffer as it was the
 *			moment the interrupt arrived, prefixed with "late "
 *			if it had arrived before the read started
 *   platform_ipis	read the X86_PLATFORM_IPI_VECTOR count of each
 *			possible CPU, space separated (/proc/interrupts
 *			hides them when no platform handler is set)
 * Addresses below 8 KiB are offsets into a private scratch area; larger
 * values are used as physical addresses unchanged.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/hardirq.h>
#include <coco-tsm/kcompat.h>
#include <asm/cpufeature.h>
#include <coco-tsm/tdx-abi.h>

#define TEST_SCRATCH_SIZE	SZ_8K
#define TEST_CMD_MAX		80
#define TEST_WATCH_TIMEOUT	(10 * HZ)

/**
 * struct test_quote - a GetQuote shared buffer of the stand-in TD
 * @node: entry in test_quotes, newest first
 * @va: the allocation
 * @alloc: its size
 * @buf: the buffer handed to GetQuote, inside the allocation
 * @size: the size handed to GetQuote
 */
struct test_quote {
	struct list_head node;
	void *va;
	size_t alloc;
	struct tdx_quote_buf *buf;
	u64 size;
};

/* Protects everything below: tests drive one call at a time */
static DEFINE_MUTEX(test_lock);
static LIST_HEAD(test_quotes);
static unsigned int test_nr_quotes;
static void *test_scratch;
static u64 test_status;
static u64 test_info[4];
static int test_watch_cpu = -1;
static unsigned int test_watch_count;
static unsigned int test_pick;

static struct dentry *test_dir;

/*
 * The GPRs a TDCALL takes and returns: RAX the leaf, then the TDX
 * module's completion status; the others as the leaf defines them
 */
struct test_regs {
	u64 rax, rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* The raw tdcall file's registers, before and after */
static struct test_regs test_raw;

/* One TDCALL with every register of @r in and out */
static void test_tdcall(struct test_regs *r)
{
	register u64 r8 asm("r8") = r->r8;
	register u64 r9 asm("r9") = r->r9;
	register u64 r10 asm("r10") = r->r10;
	register u64 r11 asm("r11") = r->r11;
	register u64 r12 asm("r12") = r->r12;
	register u64 r13 asm("r13") = r->r13;
	register u64 r14 asm("r14") = r->r14;
	register u64 r15 asm("r15") = r->r15;

	asm volatile(".byte 0x66,0x0f,0x01,0xcc"
		     : "+a" (r->rax), "+c" (r->rcx), "+d" (r->rdx),
		       "+r" (r8), "+r" (r9), "+r" (r10), "+r" (r11),
		       "+r" (r12), "+r" (r13), "+r" (r14), "+r" (r15)
		     :
		     : "memory");
	r->r8 = r8;
	r->r9 = r9;
	r->r10 = r10;
	r->r11 = r11;
	r->r12 = r12;
	r->r13 = r13;
	r->r14 = r14;
	r->r15 = r15;
}

/* A TDX module call: the completion status */
static u64 test_mcall(u64 leaf, u64 rcx, u64 rdx, u64 r8)
{
	struct test_regs r = { .rax = leaf, .rcx = rcx, .rdx = rdx, .r8 = r8 };

	test_tdcall(&r);
	return r.rax;
}

/*
 * A GHCI TDVMCALL exposing R10-R15: the TDVMCALL status, or the TDX
 * module's if the TDCALL itself failed; R11..R14 of the answer in @out
 */
static u64 test_vmcall(u64 fn, u64 r12, u64 r13, u64 *out)
{
	struct test_regs r = {
		.rax = TDX_TDCALL_VP_VMCALL, .rcx = GENMASK_ULL(15, 10),
		.r11 = fn, .r12 = r12, .r13 = r13,
	};

	test_tdcall(&r);
	if (out) {
		out[0] = r.r11;
		out[1] = r.r12;
		out[2] = r.r13;
		out[3] = r.r14;
	}
	return r.rax ? r.rax : r.r10;
}

static phys_addr_t test_addr(u64 v)
{
	return v < TEST_SCRATCH_SIZE ? virt_to_phys(test_scratch) + v : v;
}

static int test_read_cmd(const char __user *ubuf, size_t count, char *cmd)
{
	if (!count || count >= TEST_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	return 0;
}

static ssize_t test_mr_report_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char cmd[TEST_CMD_MAX];
	u64 report, data, subtype;
	int rc;

	rc = test_read_cmd(ubuf, count, cmd);
	if (rc)
		return rc;
	if (sscanf(cmd, "%llx %llx %llx", &report, &data, &subtype) != 3)
		return -EINVAL;

	mutex_lock(&test_lock);
	test_status = test_mcall(TDX_TDCALL_MR_REPORT, test_addr(report),
				 test_addr(data), subtype);
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_rtmr_extend_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char cmd[TEST_CMD_MAX];
	u64 data, index;
	int rc;

	rc = test_read_cmd(ubuf, count, cmd);
	if (rc)
		return rc;
	if (sscanf(cmd, "%llx %llx", &data, &index) != 2)
		return -EINVAL;

	mutex_lock(&test_lock);
	test_status = test_mcall(TDX_TDCALL_MR_RTMR_EXTEND, test_addr(data),
				 index, 0);
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_setup_event_notify_write(struct file *file,
					     const char __user *ubuf,
					     size_t count, loff_t *ppos)
{
	u64 vector;
	int rc;

	rc = kstrtou64_from_user(ubuf, count, 0, &vector);
	if (rc)
		return rc;

	mutex_lock(&test_lock);
	/* The contract: the caller stays on the CPU it registers */
	migrate_disable();
	test_status = test_vmcall(TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT,
				  vector, 0, NULL);
	migrate_enable();
	mutex_unlock(&test_lock);
	return count;
}

static void test_free_quotes_locked(void)
{
	struct test_quote *q, *tmp;

	lockdep_assert_held(&test_lock);

	list_for_each_entry_safe(q, tmp, &test_quotes, node) {
		list_del(&q->node);
		free_pages_exact(q->va, q->alloc);
		kfree(q);
	}
	test_nr_quotes = 0;
	test_pick = 0;
}

/* The buffer quote, quote_data and quote_gpa show, or NULL */
static struct test_quote *test_picked_locked(void)
{
	unsigned int i = 0;
	struct test_quote *q;

	lockdep_assert_held(&test_lock);

	list_for_each_entry(q, &test_quotes, node)
		if (i++ == test_pick)
			return q;
	return NULL;
}

static ssize_t test_get_td_vm_call_info_write(struct file *file,
					      const char __user *ubuf,
					      size_t count, loff_t *ppos)
{
	u64 leaf;
	int rc;

	rc = kstrtou64_from_user(ubuf, count, 0, &leaf);
	if (rc)
		return rc;

	mutex_lock(&test_lock);
	test_status = test_vmcall(TDVMCALL_GET_TD_VM_CALL_INFO, leaf, 0,
				  test_info);
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_info_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char out[80];
	int len;

	mutex_lock(&test_lock);
	len = scnprintf(out, sizeof(out), "0x%llx 0x%llx 0x%llx 0x%llx\n",
			test_info[0], test_info[1], test_info[2],
			test_info[3]);
	mutex_unlock(&test_lock);
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

/*
 * Fill @buf like the driver does: header, then a fresh TDREPORT. @seed
 * varies REPORTDATA, so that tests can tell whose quote comes back.
 */
static int test_fill_request(struct tdx_quote_buf *buf, u64 version,
			     u64 in_len, u8 seed)
{
	u8 *report, *reportdata;
	int i, rc = -ENOMEM;

	report = kmalloc(TDX_REPORT_SIZE, GFP_KERNEL);
	reportdata = kmalloc(TDX_REPORTDATA_SIZE, GFP_KERNEL);
	if (!report || !reportdata)
		goto out;

	for (i = 0; i < TDX_REPORTDATA_SIZE; i++)
		reportdata[i] = seed + i;
	rc = -EIO;
	if (test_mcall(TDX_TDCALL_MR_REPORT, virt_to_phys(report),
		       virt_to_phys(reportdata), TDX_REPORT_SUBTYPE_0))
		goto out;

	buf->version = version;
	buf->status = 0;
	buf->in_len = in_len;
	buf->out_len = 0;
	memcpy(buf->data, report, TDX_REPORT_SIZE);
	rc = 0;
out:
	kfree(reportdata);
	kfree(report);
	return rc;
}

static ssize_t test_get_quote_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	u64 size, off = 0, version = TDX_QUOTE_BUF_VERSION;
	u64 in_len = TDX_REPORT_SIZE, seed = 0;
	char cmd[TEST_CMD_MAX];
	struct test_quote *q;
	int rc;

	rc = test_read_cmd(ubuf, count, cmd);
	if (rc)
		return rc;
	if (sscanf(cmd, "%llx %llx %llx %llx %llx", &size, &off, &version,
		   &in_len, &seed) < 1)
		return -EINVAL;
	/* Room for the header and a TDREPORT whatever the size claims */
	if (size > SZ_1M || off >= SZ_64K || seed > U8_MAX)
		return -EINVAL;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	q->alloc = PAGE_ALIGN(off + max_t(u64, size, SZ_4K));
	q->va = alloc_pages_exact(q->alloc, GFP_KERNEL | __GFP_ZERO);
	if (!q->va) {
		kfree(q);
		return -ENOMEM;
	}
	q->buf = q->va + off;
	q->size = size;

	rc = test_fill_request(q->buf, version, in_len, seed);
	if (rc) {
		free_pages_exact(q->va, q->alloc);
		kfree(q);
		return rc;
	}

	mutex_lock(&test_lock);
	test_status = test_vmcall(TDVMCALL_GET_QUOTE, virt_to_phys(q->buf),
				  size, NULL);
	list_add(&q->node, &test_quotes);
	test_nr_quotes++;
	test_pick = 0;
	mutex_unlock(&test_lock);
	return count;
}

/*
 * The same buffer again, as a driver reuses its buffers: the emulator must
 * tell a buffer that is in flight again from one it remembers as idle.
 */
static ssize_t test_resubmit_write(struct file *file,
				   const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	struct test_quote *q;
	u8 seed;
	int rc;

	rc = kstrtou8_from_user(ubuf, count, 0, &seed);
	if (rc)
		return rc;

	mutex_lock(&test_lock);
	q = test_picked_locked();
	if (!q) {
		rc = -ENOENT;
		goto unlock;
	}
	rc = test_fill_request(q->buf, TDX_QUOTE_BUF_VERSION, TDX_REPORT_SIZE,
			       seed);
	if (rc)
		goto unlock;
	test_status = test_vmcall(TDVMCALL_GET_QUOTE, virt_to_phys(q->buf),
				  q->size, NULL);
unlock:
	mutex_unlock(&test_lock);
	return rc ? rc : count;
}

static ssize_t test_free_quotes_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	mutex_lock(&test_lock);
	test_free_quotes_locked();
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_pick_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int pick;
	int rc;

	rc = kstrtouint_from_user(ubuf, count, 0, &pick);
	if (rc)
		return rc;

	mutex_lock(&test_lock);
	test_pick = pick;
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_status_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char out[32];
	int len;

	mutex_lock(&test_lock);
	len = scnprintf(out, sizeof(out), "0x%016llx\n", test_status);
	mutex_unlock(&test_lock);
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

static ssize_t test_quote_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct test_quote *q;
	char out[48];
	int len;

	mutex_lock(&test_lock);
	q = test_picked_locked();
	if (!q) {
		mutex_unlock(&test_lock);
		return -ENOENT;
	}
	len = scnprintf(out, sizeof(out), "0x%016llx %u\n",
			READ_ONCE(q->buf->status), READ_ONCE(q->buf->out_len));
	mutex_unlock(&test_lock);
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

static ssize_t test_quote_data_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct test_quote *q;
	size_t len;
	ssize_t rc;

	mutex_lock(&test_lock);
	q = test_picked_locked();
	if (!q) {
		rc = -ENOENT;
		goto unlock;
	}
	/* out_len is the host's word: bound it like a driver must */
	len = min_t(size_t, READ_ONCE(q->buf->out_len),
		    q->alloc - ((void *)q->buf->data - q->va));
	rc = simple_read_from_buffer(ubuf, count, ppos, q->buf->data, len);
unlock:
	mutex_unlock(&test_lock);
	return rc;
}

static ssize_t test_quote_gpa_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct test_quote *q;
	char out[32];
	int len;

	mutex_lock(&test_lock);
	q = test_picked_locked();
	if (q)
		len = scnprintf(out, sizeof(out), "0x%llx\n",
				(u64)virt_to_phys(q->buf));
	mutex_unlock(&test_lock);
	if (!q)
		return -ENOENT;
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

/*
 * What a guest polling the status sees: the header the moment the status
 * leaves IN_FLIGHT, out_len read right after it, as a driver would. A VMM
 * that writes status before out_len shows out_len still 0.
 */
static ssize_t test_watch_status_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	unsigned long deadline = jiffies + TEST_WATCH_TIMEOUT;
	struct test_quote *q;
	ssize_t rc = 0;
	u32 out_len;
	char out[48];
	bool late;
	u64 st;
	int len;

	if (*ppos)
		return 0;

	mutex_lock(&test_lock);
	q = list_first_entry_or_null(&test_quotes, struct test_quote, node);
	if (!q) {
		rc = -ENOENT;
		goto unlock;
	}
	late = READ_ONCE(q->buf->status) != TDX_QUOTE_STATUS_IN_FLIGHT;
	/* Spin, not sleep: the window may be a few microseconds */
	while ((st = READ_ONCE(q->buf->status)) ==
	       TDX_QUOTE_STATUS_IN_FLIGHT) {
		if (time_after(jiffies, deadline)) {
			rc = -ETIMEDOUT;
			goto unlock;
		}
		cond_resched();
		cpu_relax();
	}
	/* out_len as a guest reads it after the status, not before */
	smp_rmb();
	out_len = READ_ONCE(q->buf->out_len);
	len = scnprintf(out, sizeof(out), "%s0x%016llx %u\n",
			late ? "late " : "", st, out_len);
	rc = simple_read_from_buffer(ubuf, count, ppos, out, len);
unlock:
	mutex_unlock(&test_lock);
	return rc;
}

/*
 * Nothing else sends X86_PLATFORM_IPI_VECTOR in a VM, so its per-CPU count
 * says when, and where, the emulator's interrupt arrived.
 */
static unsigned int test_platform_ipis(int cpu)
{
	return READ_ONCE(coco_x86_platform_ipis(cpu));
}

static ssize_t test_watch_irq_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	int cpu, rc;

	rc = kstrtoint_from_user(ubuf, count, 0, &cpu);
	if (rc)
		return rc;
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;

	mutex_lock(&test_lock);
	test_watch_cpu = cpu;
	test_watch_count = test_platform_ipis(cpu);
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_watch_irq_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	unsigned long deadline = jiffies + TEST_WATCH_TIMEOUT;
	unsigned int armed;
	struct test_quote *q;
	char out[48];
	bool late;
	int cpu, len;

	if (*ppos)
		return 0;

	mutex_lock(&test_lock);
	cpu = test_watch_cpu;
	armed = test_watch_count;
	mutex_unlock(&test_lock);
	if (cpu < 0)
		return -EINVAL;

	late = test_platform_ipis(cpu) != armed;
	/* Spin, not sleep: the status must be read within microseconds */
	while (test_platform_ipis(cpu) == armed) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		cond_resched();
		cpu_relax();
	}

	mutex_lock(&test_lock);
	q = list_first_entry_or_null(&test_quotes, struct test_quote, node);
	if (q)
		len = scnprintf(out, sizeof(out), "%s0x%016llx %u\n",
				late ? "late " : "",
				READ_ONCE(q->buf->status),
				READ_ONCE(q->buf->out_len));
	mutex_unlock(&test_lock);
	if (!q)
		return -ENOENT;
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

static ssize_t test_platform_ipis_read(struct file *file, char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	size_t size = 12 * num_possible_cpus() + 2, len = 0;
	ssize_t rc;
	char *out;
	int cpu;

	out = kmalloc(size, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		len += scnprintf(out + len, size - len, "%s%u",
				 len ? " " : "", test_platform_ipis(cpu));
	len += scnprintf(out + len, size - len, "\n");
	rc = simple_read_from_buffer(ubuf, count, ppos, out, len);
	kfree(out);
	return rc;
}

static const struct file_operations test_platform_ipis_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= test_platform_ipis_read,
	.llseek	= default_llseek,
};

static const struct file_operations test_watch_irq_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= test_watch_irq_read,
	.write	= test_watch_irq_write,
	.llseek	= default_llseek,
};

#define TEST_WO_FOPS(name)						\
static const struct file_operations test_##name##_fops = {		\
	.owner	= THIS_MODULE,						\
	.open	= nonseekable_open,					\
	.write	= test_##name##_write,					\
}

#define TEST_RO_FOPS(name)						\
static const struct file_operations test_##name##_fops = {		\
	.owner	= THIS_MODULE,						\
	.open	= simple_open,						\
	.read	= test_##name##_read,					\
	.llseek	= default_llseek,					\
}

static ssize_t test_tdcall_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char cmd[2 * TEST_CMD_MAX];
	struct test_regs r;

	if (!count || count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	if (sscanf(cmd, "%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx",
		   &r.rax, &r.rcx, &r.rdx, &r.r8, &r.r9, &r.r10, &r.r11,
		   &r.r12, &r.r13, &r.r14, &r.r15) != 11)
		return -EINVAL;

	mutex_lock(&test_lock);
	test_tdcall(&r);
	test_raw = r;
	mutex_unlock(&test_lock);
	return count;
}

static ssize_t test_tdcall_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct test_regs r;
	char out[200];
	int len;

	mutex_lock(&test_lock);
	r = test_raw;
	mutex_unlock(&test_lock);
	len = scnprintf(out, sizeof(out),
			"%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx\n",
			r.rax, r.rcx, r.rdx, r.r8, r.r9, r.r10, r.r11, r.r12,
			r.r13, r.r14, r.r15);
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

static const struct file_operations test_tdcall_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= test_tdcall_read,
	.write	= test_tdcall_write,
	.llseek	= default_llseek,
};

TEST_WO_FOPS(mr_report);
TEST_WO_FOPS(rtmr_extend);
TEST_WO_FOPS(setup_event_notify);
TEST_WO_FOPS(get_td_vm_call_info);
TEST_WO_FOPS(get_quote);
TEST_WO_FOPS(free_quotes);
TEST_WO_FOPS(pick);
TEST_WO_FOPS(resubmit);
TEST_RO_FOPS(status);
TEST_RO_FOPS(quote);
TEST_RO_FOPS(quote_data);
TEST_RO_FOPS(info);
TEST_RO_FOPS(quote_gpa);
TEST_RO_FOPS(watch_status);

static int __init test_init(void)
{
	/* Without a TDX module, real or emulated, TDCALL would oops */
	if (!boot_cpu_has(X86_FEATURE_TDX_GUEST))
		return -ENODEV;

	test_scratch = alloc_pages_exact(TEST_SCRATCH_SIZE,
					 GFP_KERNEL | __GFP_ZERO);
	if (!test_scratch)
		return -ENOMEM;

	test_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("tdcall", 0600, test_dir, NULL, &test_tdcall_fops);
	debugfs_create_file("mr_report", 0200, test_dir, NULL,
			    &test_mr_report_fops);
	debugfs_create_file("rtmr_extend", 0200, test_dir, NULL,
			    &test_rtmr_extend_fops);
	debugfs_create_file("setup_event_notify", 0200, test_dir, NULL,
			    &test_setup_event_notify_fops);
	debugfs_create_file("get_td_vm_call_info", 0200, test_dir, NULL,
			    &test_get_td_vm_call_info_fops);
	debugfs_create_file("info", 0400, test_dir, NULL, &test_info_fops);
	debugfs_create_file("quote_gpa", 0400, test_dir, NULL,
			    &test_quote_gpa_fops);
	debugfs_create_file("watch_status", 0400, test_dir, NULL,
			    &test_watch_status_fops);
	debugfs_create_file("get_quote", 0200, test_dir, NULL,
			    &test_get_quote_fops);
	debugfs_create_file("free_quotes", 0200, test_dir, NULL,
			    &test_free_quotes_fops);
	debugfs_create_file("status", 0400, test_dir, NULL, &test_status_fops);
	debugfs_create_file("pick", 0200, test_dir, NULL, &test_pick_fops);
	debugfs_create_file("resubmit", 0200, test_dir, NULL,
			    &test_resubmit_fops);
	debugfs_create_file("quote", 0400, test_dir, NULL, &test_quote_fops);
	debugfs_create_file("quote_data", 0400, test_dir, NULL,
			    &test_quote_data_fops);
	debugfs_create_file("watch_irq", 0600, test_dir, NULL,
			    &test_watch_irq_fops);
	debugfs_create_file("platform_ipis", 0400, test_dir, NULL,
			    &test_platform_ipis_fops);
	return 0;
}

static void __exit test_exit(void)
{
	debugfs_remove_recursive(test_dir);
	/* Frees buffers the host may still own: the emulator must cope */
	mutex_lock(&test_lock);
	test_free_quotes_locked();
	mutex_unlock(&test_lock);
	free_pages_exact(test_scratch, TEST_SCRATCH_SIZE);
}

module_init(test_init);
module_exit(test_exit);

MODULE_DESCRIPTION("Stand-in TD for testing the TDX platform emulator");
MODULE_LICENSE("GPL");
