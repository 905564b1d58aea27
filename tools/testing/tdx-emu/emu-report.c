// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: the measurement registers, TDG.MR.REPORT and
 * TDG.MR.RTMR.EXTEND, and the local report check a quoting enclave does.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <coco-tsm/kcompat.h>
#include <coco-tsm/tdx-abi.h>

#include "emu.h"

/* TEE_TCB_INFO.VALID of a TDX 1.0 module: fields 0..8 are valid */
#define TDX_EMU_TEE_TCB_VALID		0x1ffULL
/* REPORTTYPE.version without and with a bound service TD */
#define TDX_EMU_REPORT_VERSION_MAX	1
#define TDX_EMU_MAC_KEY_SIZE		48
#define TDX_EMU_HEX_MR_SIZE		(2 * TDX_MR_SIZE)
#define TDX_EMU_EXTEND_WRITE_SIZE	(1 + TDX_MR_SIZE)
/* Typical TD: SEPT_VE_DISABLE; x87, SSE, AVX, AVX-512 state */
#define TDX_EMU_DEFAULT_ATTRIBUTES	BIT_ULL(28)
#define TDX_EMU_DEFAULT_XFAM		0xe7ULL

/*
 * Fixed security versions of the emulated CPU and TDX module. They only
 * need to be stable, so that quotes of the same TD compare equal.
 */
static const u8 tdx_emu_cpusvn[16] = { 0x07, 0x07, 0x02, 0x02, 0x03, 0x01 };
static const u8 tdx_emu_tee_tcb_svn[16] = { 0x05, 0x01, 0x02 };

/**
 * struct tdx_emu_mrs - the measured state of the emulated TD and module
 * @attributes: TD ATTRIBUTES
 * @xfam: TD XFAM
 * @mrseam: measurement of the TDX module
 * @mrtd: build-time measurement of the TD
 * @mrconfigid: software-defined configuration ID
 * @mrowner: software-defined owner ID
 * @mrownerconfig: software-defined owner configuration ID
 * @rtmr: run-time measurement registers
 * @servtd_hash: hash of the bound service TDs
 */
struct tdx_emu_mrs {
	u64 attributes;
	u64 xfam;
	u8 mrseam[TDX_MR_SIZE];
	u8 mrtd[TDX_MR_SIZE];
	u8 mrconfigid[TDX_MR_SIZE];
	u8 mrowner[TDX_MR_SIZE];
	u8 mrownerconfig[TDX_MR_SIZE];
	u8 rtmr[TDX_NUM_RTMRS][TDX_MR_SIZE];
	u8 servtd_hash[TDX_MR_SIZE];
};

/*
 * The TDX module's RTMR lock: reports take it shared and extends take it
 * exclusive, both with a trylock that turns contention into
 * TDX_OPERAND_BUSY as the module does. Root's writes through debugfs wait.
 */
static DECLARE_RWSEM(tdx_emu_mr_rwsem);
static struct tdx_emu_mrs tdx_emu_mrs;

/* Both are used concurrently with on-stack descriptors; keys never change */
static struct crypto_shash *tdx_emu_sha384;
static struct crypto_shash *tdx_emu_hmac;

/**
 * struct tdx_emu_rtmr_log_entry - one applied RTMR extend
 * @index: the RTMR
 * @data: the 48 bytes it was extended with
 */
struct tdx_emu_rtmr_log_entry {
	u8 index;
	u8 data[TDX_MR_SIZE];
};

/*
 * The extends in the order they were applied, for tests to replay: the
 * first TDX_EMU_RTMR_LOG_MAX since the last reset, the rest only counted.
 * Appended under tdx_emu_mr_rwsem held for write, so the order is the
 * order of the register updates; the lock nests inside it.
 */
static DEFINE_SPINLOCK(tdx_emu_rtmr_log_lock);
static struct tdx_emu_rtmr_log_entry *tdx_emu_rtmr_log;
static unsigned int tdx_emu_rtmr_log_len;
static u64 tdx_emu_rtmr_log_lost;

/* REPORTDATA of the next read of debugfs tdreport */
static DEFINE_MUTEX(tdx_emu_reportdata_lock);
static u8 tdx_emu_reportdata[TDX_REPORTDATA_SIZE];

static int tdx_emu_sha384_digest(const void *data, size_t len, u8 *out)
{
	return crypto_shash_tfm_digest(tdx_emu_sha384, data, len, out);
}

/* The MAC: the first 32 bytes of HMAC-SHA-384 over REPORTMACSTRUCT[0,224) */
static int tdx_emu_report_mac(const u8 *report, u8 *mac)
{
	u8 digest[TDX_MR_SIZE];
	int rc;

	rc = crypto_shash_tfm_digest(tdx_emu_hmac, report,
				     TDX_REPORT_OFF_MAC, digest);
	if (!rc)
		memcpy(mac, digest, TDX_REPORT_MAC_SIZE);
	memzero_explicit(digest, sizeof(digest));
	return rc;
}

/**
 * tdx_emu_phys_is_ram() - check that a guest physical range is plain RAM
 * @pa: start of the range
 * @size: length in bytes, not zero
 *
 * The emulated TDX module and VMM reach guest memory through the direct
 * map, so every page of the range must be RAM the kernel maps.
 *
 * Return: true if the whole range can be accessed with phys_to_virt().
 */
bool tdx_emu_phys_is_ram(phys_addr_t pa, size_t size)
{
	unsigned long pfn, last;

	if (!size || pa + size - 1 < pa)
		return false;

	last = PHYS_PFN(pa + size - 1);
	for (pfn = PHYS_PFN(pa); pfn <= last; pfn++) {
		if (!pfn_valid(pfn) || !page_is_ram(pfn))
			return false;
	}
	return true;
}

/* Fill @report for @reportdata; called with tdx_emu_mr_rwsem held */
static int tdx_emu_build_report(u8 *report, const u8 *reportdata)
{
	u8 *tcb = report + TDX_REPORT_OFF_TEE_TCB_INFO;
	u8 *td = report + TDX_REPORT_OFF_TDINFO;
	const struct tdx_emu_mrs *mrs = &tdx_emu_mrs;
	int i, rc;

	memset(report, 0, TDX_REPORT_SIZE);

	/* REPORTTYPE: TDX, subtype 0, version 0 (no service TD bound) */
	report[TDX_REPORT_OFF_REPORTTYPE] = TDX_REPORT_TYPE_TDX;
	memcpy(report + TDX_REPORT_OFF_CPUSVN, tdx_emu_cpusvn,
	       sizeof(tdx_emu_cpusvn));
	memcpy(report + TDX_REPORT_OFF_REPORTDATA, reportdata,
	       TDX_REPORTDATA_SIZE);

	put_unaligned_le64(TDX_EMU_TEE_TCB_VALID,
			   tcb + TDX_TEE_TCB_INFO_OFF_VALID);
	memcpy(tcb + TDX_TEE_TCB_INFO_OFF_TEE_TCB_SVN, tdx_emu_tee_tcb_svn,
	       sizeof(tdx_emu_tee_tcb_svn));
	memcpy(tcb + TDX_TEE_TCB_INFO_OFF_MRSEAM, mrs->mrseam, TDX_MR_SIZE);
	/* MRSIGNERSEAM and the SEAM ATTRIBUTES are 0 for Intel's module */

	put_unaligned_le64(mrs->attributes, td + TDX_TDINFO_OFF_ATTRIBUTES);
	put_unaligned_le64(mrs->xfam, td + TDX_TDINFO_OFF_XFAM);
	memcpy(td + TDX_TDINFO_OFF_MRTD, mrs->mrtd, TDX_MR_SIZE);
	memcpy(td + TDX_TDINFO_OFF_MRCONFIGID, mrs->mrconfigid, TDX_MR_SIZE);
	memcpy(td + TDX_TDINFO_OFF_MROWNER, mrs->mrowner, TDX_MR_SIZE);
	memcpy(td + TDX_TDINFO_OFF_MROWNERCONFIG, mrs->mrownerconfig,
	       TDX_MR_SIZE);
	for (i = 0; i < TDX_NUM_RTMRS; i++)
		memcpy(td + TDX_TDINFO_OFF_RTMR(i), mrs->rtmr[i], TDX_MR_SIZE);
	memcpy(td + TDX_TDINFO_OFF_SERVTD_HASH, mrs->servtd_hash, TDX_MR_SIZE);

	rc = tdx_emu_sha384_digest(tcb, TDX_TEE_TCB_INFO_SIZE,
				   report + TDX_REPORT_OFF_TEE_TCB_INFO_HASH);
	if (rc)
		return rc;
	rc = tdx_emu_sha384_digest(td, TDX_TDINFO_SIZE,
				   report + TDX_REPORT_OFF_TEE_INFO_HASH);
	if (rc)
		return rc;
	return tdx_emu_report_mac(report, report + TDX_REPORT_OFF_MAC);
}

/**
 * tdx_emu_mr_report() - emulated TDCALL[TDG.MR.REPORT]
 * @tdreport: physical address of the 1024-byte, 1024-aligned output
 * @reportdata: physical address of the 64-byte, 64-aligned REPORTDATA
 * @subtype: report subtype, must be 0
 *
 * The report_invalid, report_error and report_busy fault knobs make it fail
 * without writing a report. Called inside the TDCALL: does not sleep.
 *
 * Return: the TDX module completion status.
 */
u64 tdx_emu_mr_report(phys_addr_t tdreport, phys_addr_t reportdata,
		      u64 subtype)
{
	u8 data[TDX_REPORTDATA_SIZE];
	int rc;

	if (!IS_ALIGNED(tdreport, TDX_REPORT_ALIGN) ||
	    !tdx_emu_phys_is_ram(tdreport, TDX_REPORT_SIZE))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	if (!IS_ALIGNED(reportdata, TDX_REPORTDATA_ALIGN) ||
	    !tdx_emu_phys_is_ram(reportdata, TDX_REPORTDATA_SIZE))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RDX;
	if (subtype != TDX_REPORT_SUBTYPE_0)
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_R8;

	/* The failures a driver must pass on, not retry; no report written */
	if (tdx_emu_fault_take(&tdx_emu_faults.report_invalid))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	if (tdx_emu_fault_take(&tdx_emu_faults.report_error))
		return TDX_OPERAND_ADDR_RANGE_ERROR;

	/* Copy first: REPORTDATA may lie inside the output buffer */
	memcpy(data, phys_to_virt(reportdata), sizeof(data));

	if (tdx_emu_fault_take(&tdx_emu_faults.report_busy) ||
	    !down_read_trylock(&tdx_emu_mr_rwsem))
		return TDX_OPERAND_BUSY + TDX_OPERAND_ID_RTMR;
	rc = tdx_emu_build_report(phys_to_virt(tdreport), data);
	up_read(&tdx_emu_mr_rwsem);

	if (rc) {
		/* The real module has no such failure: report it loudly */
		pr_err("TDREPORT generation failed: %d\n", rc);
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	}
	return TDX_SUCCESS;
}

static void tdx_emu_rtmr_log_add(u8 index, const u8 *data)
{
	struct tdx_emu_rtmr_log_entry *e;

	spin_lock(&tdx_emu_rtmr_log_lock);
	if (tdx_emu_rtmr_log_len < TDX_EMU_RTMR_LOG_MAX) {
		e = &tdx_emu_rtmr_log[tdx_emu_rtmr_log_len++];
		e->index = index;
		memcpy(e->data, data, TDX_MR_SIZE);
	} else {
		tdx_emu_rtmr_log_lost++;
	}
	spin_unlock(&tdx_emu_rtmr_log_lock);
}

/**
 * tdx_emu_mr_rtmr_extend() - emulated TDCALL[TDG.MR.RTMR.EXTEND]
 * @data: physical address of the 48 bytes of extend data, 64-aligned
 * @index: RTMR index, 0..3
 *
 * RTMR[@index] = SHA384(RTMR[@index] || data), recorded in the rtmr_log.
 * The extend_* fault knobs make it fail without extending. Called inside
 * the TDCALL: does not sleep.
 *
 * Return: the TDX module completion status.
 */
u64 tdx_emu_mr_rtmr_extend(phys_addr_t data, u64 index)
{
	u8 buf[2 * TDX_MR_SIZE];
	u64 status = TDX_SUCCESS;

	if (!IS_ALIGNED(data, TDX_RTMR_EXTEND_ALIGN) ||
	    !tdx_emu_phys_is_ram(data, TDX_MR_SIZE))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	if (index >= TDX_NUM_RTMRS)
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RDX;

	if (tdx_emu_fault_take(&tdx_emu_faults.extend_invalid))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	if (tdx_emu_fault_take(&tdx_emu_faults.extend_error))
		return TDX_OPERAND_ADDR_RANGE_ERROR + TDX_OPERAND_ID_RCX;

	memcpy(buf + TDX_MR_SIZE, phys_to_virt(data), TDX_MR_SIZE);

	if (tdx_emu_fault_take(&tdx_emu_faults.extend_busy) ||
	    !down_write_trylock(&tdx_emu_mr_rwsem))
		return TDX_OPERAND_BUSY + TDX_OPERAND_ID_RTMR;
	memcpy(buf, tdx_emu_mrs.rtmr[index], TDX_MR_SIZE);
	if (tdx_emu_sha384_digest(buf, sizeof(buf), tdx_emu_mrs.rtmr[index])) {
		pr_err("RTMR extend failed\n");
		status = TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;
	} else {
		tdx_emu_rtmr_log_add(index, buf + TDX_MR_SIZE);
	}
	up_write(&tdx_emu_mr_rwsem);

	return status;
}

/*
 * What a quoting enclave checks before it signs: the report type, both
 * hashes binding TEE_TCB_INFO and TDINFO, and the MAC over the rest.
 */
static int tdx_emu_verify_report(const u8 *report)
{
	u8 digest[TDX_MR_SIZE];
	u8 mac[TDX_REPORT_MAC_SIZE];
	int rc;

	if (report[TDX_REPORT_OFF_REPORTTYPE] != TDX_REPORT_TYPE_TDX ||
	    report[TDX_REPORT_OFF_REPORTTYPE + 1] != TDX_REPORT_SUBTYPE_0 ||
	    report[TDX_REPORT_OFF_REPORTTYPE + 2] > TDX_EMU_REPORT_VERSION_MAX ||
	    report[TDX_REPORT_OFF_REPORTTYPE + 3])
		return -EBADMSG;

	rc = tdx_emu_sha384_digest(report + TDX_REPORT_OFF_TEE_TCB_INFO,
				   TDX_TEE_TCB_INFO_SIZE, digest);
	if (rc)
		return rc;
	if (crypto_memneq(digest, report + TDX_REPORT_OFF_TEE_TCB_INFO_HASH,
			  TDX_MR_SIZE))
		return -EBADMSG;

	rc = tdx_emu_sha384_digest(report + TDX_REPORT_OFF_TDINFO,
				   TDX_TDINFO_SIZE, digest);
	if (rc)
		return rc;
	if (crypto_memneq(digest, report + TDX_REPORT_OFF_TEE_INFO_HASH,
			  TDX_MR_SIZE))
		return -EBADMSG;

	rc = tdx_emu_report_mac(report, mac);
	if (rc)
		return rc;
	if (crypto_memneq(mac, report + TDX_REPORT_OFF_MAC, sizeof(mac)))
		return -EBADMSG;
	return 0;
}

static int tdx_emu_status_to_errno(u64 status)
{
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_STATUS_CLASS(TDX_SUCCESS):
		return 0;
	case TDX_STATUS_CLASS(TDX_OPERAND_INVALID):
		return -EINVAL;
	case TDX_STATUS_CLASS(TDX_OPERAND_BUSY):
		return -EBUSY;
	default:
		return -EIO;
	}
}

/* debugfs: one measurement register as 96 hex digits */

static ssize_t tdx_emu_mr_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	const u8 *mr = file->private_data;
	char hex[TDX_EMU_HEX_MR_SIZE + 1];

	down_read(&tdx_emu_mr_rwsem);
	bin2hex(hex, mr, TDX_MR_SIZE);
	up_read(&tdx_emu_mr_rwsem);
	hex[TDX_EMU_HEX_MR_SIZE] = '\n';

	return simple_read_from_buffer(ubuf, count, ppos, hex, sizeof(hex));
}

static ssize_t tdx_emu_mr_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	u8 *mr = file->private_data;
	char hex[TDX_EMU_HEX_MR_SIZE + 1];
	u8 val[TDX_MR_SIZE];

	/* Exactly 96 hex digits, optionally newline-terminated (echo) */
	if (*ppos || count < TDX_EMU_HEX_MR_SIZE || count > sizeof(hex))
		return -EINVAL;
	if (copy_from_user(hex, ubuf, count))
		return -EFAULT;
	if (count == sizeof(hex) && hex[TDX_EMU_HEX_MR_SIZE] != '\n')
		return -EINVAL;
	if (hex2bin(val, hex, TDX_MR_SIZE))
		return -EINVAL;

	down_write(&tdx_emu_mr_rwsem);
	memcpy(mr, val, TDX_MR_SIZE);
	up_write(&tdx_emu_mr_rwsem);

	*ppos += count;
	return count;
}

static const struct file_operations tdx_emu_mr_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= tdx_emu_mr_read,
	.write	= tdx_emu_mr_write,
	.llseek	= default_llseek,
};

/* debugfs: ATTRIBUTES and XFAM as u64 */

static int tdx_emu_u64_get(void *data, u64 *val)
{
	down_read(&tdx_emu_mr_rwsem);
	*val = *(u64 *)data;
	up_read(&tdx_emu_mr_rwsem);
	return 0;
}

static int tdx_emu_u64_set(void *data, u64 val)
{
	down_write(&tdx_emu_mr_rwsem);
	*(u64 *)data = val;
	up_write(&tdx_emu_mr_rwsem);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_u64_fops, tdx_emu_u64_get, tdx_emu_u64_set,
			 "0x%016llx\n");

/* debugfs: tdreport, a TDREPORT for the last REPORTDATA written */

/**
 * struct tdx_emu_tdreport_file - one open file of debugfs tdreport
 * @lock: serialises reads and writes on this file
 * @valid: @report holds the report of this file's current read pass
 * @report: the TDREPORT a read returns, produced when a read starts at 0
 */
struct tdx_emu_tdreport_file {
	struct mutex lock;	/* serialises the file's reads and writes */
	bool valid;
	u8 report[TDX_REPORT_SIZE];
};

static int tdx_emu_tdreport_open(struct inode *inode, struct file *file)
{
	struct tdx_emu_tdreport_file *tf;

	tf = kzalloc(sizeof(*tf), GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	mutex_init(&tf->lock);
	file->private_data = tf;
	return 0;
}

static int tdx_emu_tdreport_release(struct inode *inode, struct file *file)
{
	struct tdx_emu_tdreport_file *tf = file->private_data;

	mutex_destroy(&tf->lock);
	kfree(tf);
	return 0;
}

/* Produce a report the way the driver does: through the ops table */
static int tdx_emu_tdreport_generate(u8 *out)
{
	u8 *report, *reportdata;
	int rc = -ENOMEM;
	u64 status;

	/* kmalloc() aligns power-of-two sizes naturally, as the ABI needs */
	report = kmalloc(TDX_REPORT_SIZE, GFP_KERNEL);
	if (!report)
		return rc;
	reportdata = kmalloc(TDX_REPORTDATA_SIZE, GFP_KERNEL);
	if (!reportdata)
		goto free_report;

	mutex_lock(&tdx_emu_reportdata_lock);
	memcpy(reportdata, tdx_emu_reportdata, TDX_REPORTDATA_SIZE);
	mutex_unlock(&tdx_emu_reportdata_lock);

	status = tdx_emu_mr_report(virt_to_phys(report),
				   virt_to_phys(reportdata),
				   TDX_REPORT_SUBTYPE_0);
	rc = tdx_emu_status_to_errno(status);
	if (!rc)
		memcpy(out, report, TDX_REPORT_SIZE);

	kfree(reportdata);
free_report:
	kfree(report);
	return rc;
}

static ssize_t tdx_emu_tdreport_read(struct file *file, char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct tdx_emu_tdreport_file *tf = file->private_data;
	ssize_t rc = 0;

	mutex_lock(&tf->lock);
	if (*ppos == 0 || !tf->valid) {
		tf->valid = false;
		rc = tdx_emu_tdreport_generate(tf->report);
		if (!rc)
			tf->valid = true;
	}
	if (!rc)
		rc = simple_read_from_buffer(ubuf, count, ppos, tf->report,
					     TDX_REPORT_SIZE);
	mutex_unlock(&tf->lock);
	return rc;
}

static ssize_t tdx_emu_tdreport_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct tdx_emu_tdreport_file *tf = file->private_data;
	u8 data[TDX_REPORTDATA_SIZE];

	if (count != sizeof(data))
		return -EINVAL;
	if (copy_from_user(data, ubuf, count))
		return -EFAULT;

	mutex_lock(&tdx_emu_reportdata_lock);
	memcpy(tdx_emu_reportdata, data, sizeof(data));
	mutex_unlock(&tdx_emu_reportdata_lock);

	/* The next read on this file starts over with the new data */
	mutex_lock(&tf->lock);
	tf->valid = false;
	*ppos = 0;
	mutex_unlock(&tf->lock);
	return count;
}

static const struct file_operations tdx_emu_tdreport_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_emu_tdreport_open,
	.release	= tdx_emu_tdreport_release,
	.read		= tdx_emu_tdreport_read,
	.write		= tdx_emu_tdreport_write,
	.llseek		= default_llseek,
};

/* debugfs: rtmr_extend, index byte then 48 bytes, one write each */

static ssize_t tdx_emu_rtmr_extend_write(struct file *file,
					 const char __user *ubuf, size_t count,
					 loff_t *ppos)
{
	u8 msg[TDX_EMU_EXTEND_WRITE_SIZE];
	u64 status;
	u8 *data;
	int rc;

	if (count != sizeof(msg))
		return -EINVAL;
	if (copy_from_user(msg, ubuf, count))
		return -EFAULT;

	/* A 64-byte kmalloc() is 64-aligned, as TDG.MR.RTMR.EXTEND needs */
	data = kmalloc(TDX_RTMR_EXTEND_ALIGN, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	memcpy(data, msg + 1, TDX_MR_SIZE);
	status = tdx_emu_mr_rtmr_extend(virt_to_phys(data), msg[0]);
	rc = tdx_emu_status_to_errno(status);
	kfree(data);

	return rc ? rc : count;
}

static const struct file_operations tdx_emu_rtmr_extend_fops = {
	.owner	= THIS_MODULE,
	.open	= nonseekable_open,
	.write	= tdx_emu_rtmr_extend_write,
};

/* debugfs: verify_report, one 1024-byte TDREPORT per write */

static ssize_t tdx_emu_verify_report_write(struct file *file,
					   const char __user *ubuf,
					   size_t count, loff_t *ppos)
{
	u8 *report;
	int rc;

	if (count != TDX_REPORT_SIZE)
		return -EINVAL;

	report = memdup_user(ubuf, count);
	if (IS_ERR(report))
		return PTR_ERR(report);
	rc = tdx_emu_verify_report(report);
	kfree(report);

	return rc ? rc : count;
}

static const struct file_operations tdx_emu_verify_report_fops = {
	.owner	= THIS_MODULE,
	.open	= nonseekable_open,
	.write	= tdx_emu_verify_report_write,
};

/*
 * debugfs: rtmr_log, one line "INDEX HEXDIGEST" per applied extend, in
 * the order they were applied; writing anything to it empties it.
 */

static void *tdx_emu_rtmr_log_start(struct seq_file *m, loff_t *pos)
	__acquires(&tdx_emu_rtmr_log_lock)
{
	spin_lock(&tdx_emu_rtmr_log_lock);
	return *pos < tdx_emu_rtmr_log_len ? &tdx_emu_rtmr_log[*pos] : NULL;
}

static void *tdx_emu_rtmr_log_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return *pos < tdx_emu_rtmr_log_len ? &tdx_emu_rtmr_log[*pos] : NULL;
}

static void tdx_emu_rtmr_log_stop(struct seq_file *m, void *v)
	__releases(&tdx_emu_rtmr_log_lock)
{
	spin_unlock(&tdx_emu_rtmr_log_lock);
}

static int tdx_emu_rtmr_log_show(struct seq_file *m, void *v)
{
	const struct tdx_emu_rtmr_log_entry *e = v;

	seq_printf(m, "%u %*phN\n", e->index, TDX_MR_SIZE, e->data);
	return 0;
}

static const struct seq_operations tdx_emu_rtmr_log_sops = {
	.start	= tdx_emu_rtmr_log_start,
	.next	= tdx_emu_rtmr_log_next,
	.stop	= tdx_emu_rtmr_log_stop,
	.show	= tdx_emu_rtmr_log_show,
};

static int tdx_emu_rtmr_log_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &tdx_emu_rtmr_log_sops);
}

static ssize_t tdx_emu_rtmr_log_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	spin_lock(&tdx_emu_rtmr_log_lock);
	tdx_emu_rtmr_log_len = 0;
	tdx_emu_rtmr_log_lost = 0;
	spin_unlock(&tdx_emu_rtmr_log_lock);
	return count;
}

static const struct file_operations tdx_emu_rtmr_log_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_emu_rtmr_log_open,
	.read		= seq_read,
	.write		= tdx_emu_rtmr_log_write,
	.llseek		= seq_lseek,
	.release	= seq_release,
};

static int tdx_emu_rtmr_log_lost_get(void *data, u64 *val)
{
	spin_lock(&tdx_emu_rtmr_log_lock);
	*val = tdx_emu_rtmr_log_lost;
	spin_unlock(&tdx_emu_rtmr_log_lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_rtmr_log_lost_fops,
			 tdx_emu_rtmr_log_lost_get, NULL, "%llu\n");

/**
 * tdx_emu_report_debugfs_init() - create the platform state files
 * @root: the emulator's debugfs directory
 */
void tdx_emu_report_debugfs_init(struct dentry *root)
{
	static const char * const rtmr_names[TDX_NUM_RTMRS] = {
		"rtmr0", "rtmr1", "rtmr2", "rtmr3",
	};
	struct tdx_emu_mrs *mrs = &tdx_emu_mrs;
	int i;

	debugfs_create_file("mrseam", 0600, root, mrs->mrseam,
			    &tdx_emu_mr_fops);
	debugfs_create_file("mrtd", 0600, root, mrs->mrtd, &tdx_emu_mr_fops);
	debugfs_create_file("mrconfigid", 0600, root, mrs->mrconfigid,
			    &tdx_emu_mr_fops);
	debugfs_create_file("mrowner", 0600, root, mrs->mrowner,
			    &tdx_emu_mr_fops);
	debugfs_create_file("mrownerconfig", 0600, root, mrs->mrownerconfig,
			    &tdx_emu_mr_fops);
	for (i = 0; i < TDX_NUM_RTMRS; i++)
		debugfs_create_file(rtmr_names[i], 0600, root, mrs->rtmr[i],
				    &tdx_emu_mr_fops);
	debugfs_create_file("servtd_hash", 0600, root, mrs->servtd_hash,
			    &tdx_emu_mr_fops);
	debugfs_create_file_unsafe("attributes", 0600, root, &mrs->attributes,
				   &tdx_emu_u64_fops);
	debugfs_create_file_unsafe("xfam", 0600, root, &mrs->xfam,
				   &tdx_emu_u64_fops);

	debugfs_create_file("tdreport", 0600, root, NULL,
			    &tdx_emu_tdreport_fops);
	debugfs_create_file("rtmr_extend", 0200, root, NULL,
			    &tdx_emu_rtmr_extend_fops);
	debugfs_create_file("verify_report", 0200, root, NULL,
			    &tdx_emu_verify_report_fops);
	debugfs_create_file("rtmr_log", 0600, root, NULL,
			    &tdx_emu_rtmr_log_fops);
	debugfs_create_file_unsafe("rtmr_log_lost", 0400, root, NULL,
				   &tdx_emu_rtmr_log_lost_fops);
}

/* Deterministic defaults: SHA-384 of a fixed label per register */
static int tdx_emu_mrs_init(void)
{
	static const struct {
		const char *label;
		size_t offset;
	} defaults[] = {
		{ "tdx-emu MRSEAM", offsetof(struct tdx_emu_mrs, mrseam) },
		{ "tdx-emu MRTD", offsetof(struct tdx_emu_mrs, mrtd) },
		{ "tdx-emu RTMR0", offsetof(struct tdx_emu_mrs, rtmr[0]) },
		{ "tdx-emu RTMR1", offsetof(struct tdx_emu_mrs, rtmr[1]) },
		{ "tdx-emu RTMR2", offsetof(struct tdx_emu_mrs, rtmr[2]) },
	};
	u8 *base = (u8 *)&tdx_emu_mrs;
	int i, rc;

	/* MRCONFIGID, MROWNER*, RTMR3 and SERVTD_HASH start out zero */
	memset(&tdx_emu_mrs, 0, sizeof(tdx_emu_mrs));
	tdx_emu_mrs.attributes = TDX_EMU_DEFAULT_ATTRIBUTES;
	tdx_emu_mrs.xfam = TDX_EMU_DEFAULT_XFAM;
	for (i = 0; i < ARRAY_SIZE(defaults); i++) {
		rc = tdx_emu_sha384_digest(defaults[i].label,
					   strlen(defaults[i].label),
					   base + defaults[i].offset);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * tdx_emu_report_init() - set up hashing, the MAC key and the registers
 *
 * The MAC key is random per module load, like the CPU's report key is
 * per boot: a report only verifies on the platform that produced it.
 *
 * Return: 0 or a negative errno.
 */
int tdx_emu_report_init(void)
{
	u8 key[TDX_EMU_MAC_KEY_SIZE];
	int rc;

	tdx_emu_sha384 = crypto_alloc_shash("sha384", 0, 0);
	if (IS_ERR(tdx_emu_sha384))
		return PTR_ERR(tdx_emu_sha384);

	tdx_emu_hmac = crypto_alloc_shash("hmac(sha384)", 0, 0);
	if (IS_ERR(tdx_emu_hmac)) {
		rc = PTR_ERR(tdx_emu_hmac);
		goto free_sha384;
	}

	get_random_bytes(key, sizeof(key));
	rc = crypto_shash_setkey(tdx_emu_hmac, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	if (rc)
		goto free_hmac;

	rc = tdx_emu_mrs_init();
	if (rc)
		goto free_hmac;

	tdx_emu_rtmr_log = kvcalloc(TDX_EMU_RTMR_LOG_MAX,
				    sizeof(*tdx_emu_rtmr_log), GFP_KERNEL);
	if (!tdx_emu_rtmr_log) {
		rc = -ENOMEM;
		goto free_hmac;
	}
	return 0;

free_hmac:
	crypto_free_shash(tdx_emu_hmac);
free_sha384:
	crypto_free_shash(tdx_emu_sha384);
	return rc;
}

/**
 * tdx_emu_report_exit() - release what tdx_emu_report_init() set up
 */
void tdx_emu_report_exit(void)
{
	kvfree(tdx_emu_rtmr_log);
	crypto_free_shash(tdx_emu_hmac);
	crypto_free_shash(tdx_emu_sha384);
}
