// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: fault injection knobs and observables.
 *
 * The knobs make the emulated VMM behave like the hostile host of the
 * threat model, so that the guest driver's hardening can be tested; the
 * observables let tests see what the VMM did. See README.md.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include "emu.h"

/* What an unmodified QEMU does: knobs at these values inject nothing */
struct tdx_emu_faults tdx_emu_faults = {
	.tdvmcall_info	= TDX_EMU_GHCI_1_5,
	.header_gap_us	= TDX_EMU_HEADER_GAP_US,
	.max_in_flight	= TDX_EMU_MAX_IN_FLIGHT,
};

struct tdx_emu_stats tdx_emu_stats;

static int tdx_emu_spurious_irq_set(void *data, u64 val)
{
	u64 i;

	if (val > TDX_EMU_MAX_SPURIOUS)
		return -EINVAL;
	for (i = 0; i < val; i++) {
		/* Nothing registered: nowhere to send it */
		if (!tdx_emu_raise_irq())
			return -ENXIO;
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_spurious_irq_fops, NULL,
			 tdx_emu_spurious_irq_set, "%llu\n");

static int tdx_emu_complete_held_set(void *data, u64 val)
{
	if (val != 1)
		return -EINVAL;
	tdx_emu_complete_held();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_complete_held_fops, NULL,
			 tdx_emu_complete_held_set, "%llu\n");

/* Triggers: any value does, as writing the file is the whole command */
static int tdx_emu_complete_newest_set(void *data, u64 val)
{
	return tdx_emu_complete_newest();
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_complete_newest_fops, NULL,
			 tdx_emu_complete_newest_set, "%llu\n");

static int tdx_emu_write_idle_set(void *data, u64 val)
{
	tdx_emu_write_idle();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_write_idle_fops, NULL,
			 tdx_emu_write_idle_set, "%llu\n");

/*
 * The knobs with a range: a value outside it is refused (EINVAL) rather than
 * clamped, so a test that asks for something the emulator cannot do fails
 * at the write, not later in a puzzling way.
 */
static int tdx_emu_u32_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(u32 *)data);
	return 0;
}

static int tdx_emu_u32_set_in(void *data, u64 val, u64 min, u64 max)
{
	if (val < min || val > max)
		return -EINVAL;
	WRITE_ONCE(*(u32 *)data, val);
	return 0;
}

static int tdx_emu_tdvmcall_info_set(void *data, u64 val)
{
	return tdx_emu_u32_set_in(data, val, 0, TDX_EMU_GHCI_MAX);
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_tdvmcall_info_fops, tdx_emu_u32_get,
			 tdx_emu_tdvmcall_info_set, "%llu\n");

static int tdx_emu_header_gap_us_set(void *data, u64 val)
{
	return tdx_emu_u32_set_in(data, val, 0, TDX_EMU_HEADER_GAP_MAX_US);
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_header_gap_us_fops, tdx_emu_u32_get,
			 tdx_emu_header_gap_us_set, "%llu\n");

static int tdx_emu_max_in_flight_set(void *data, u64 val)
{
	return tdx_emu_u32_set_in(data, val, 1, TDX_EMU_MAX_IN_FLIGHT);
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_max_in_flight_fops, tdx_emu_u32_get,
			 tdx_emu_max_in_flight_set, "%llu\n");

static int tdx_emu_requests_seq_show(struct seq_file *m, void *v)
{
	tdx_emu_requests_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tdx_emu_requests_seq);

static int tdx_emu_atomic64_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_atomic64_fops, tdx_emu_atomic64_get, NULL,
			 "%llu\n");

static int tdx_emu_in_flight_get(void *data, u64 *val)
{
	*val = tdx_emu_quotes_in_flight();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_in_flight_fops, tdx_emu_in_flight_get, NULL,
			 "%llu\n");

static int tdx_emu_in_flight_peak_get(void *data, u64 *val)
{
	*val = tdx_emu_quotes_in_flight_peak();
	return 0;
}

/* Only a reset: a peak the test made up would prove nothing */
static int tdx_emu_in_flight_peak_set(void *data, u64 val)
{
	if (val)
		return -EINVAL;
	tdx_emu_quotes_in_flight_peak_reset();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tdx_emu_in_flight_peak_fops,
			 tdx_emu_in_flight_peak_get,
			 tdx_emu_in_flight_peak_set, "%llu\n");

static int tdx_emu_event_vector_get(void *data, u64 *val)
{
	int vector, cpu;

	tdx_emu_event_target(&vector, &cpu);
	*val = vector;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(tdx_emu_event_vector_fops,
				tdx_emu_event_vector_get, NULL, "%lld\n");

static int tdx_emu_event_cpu_get(void *data, u64 *val)
{
	int vector, cpu;

	tdx_emu_event_target(&vector, &cpu);
	*val = cpu;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(tdx_emu_event_cpu_fops,
				tdx_emu_event_cpu_get, NULL, "%lld\n");

/**
 * tdx_emu_fault_take() - use up one count of a fault counter
 * @knob: a counter of struct tdx_emu_faults
 *
 * Return: true if the counter was positive, and the fault must happen.
 */
bool tdx_emu_fault_take(atomic_t *knob)
{
	return atomic_dec_if_positive(knob) >= 0;
}

/**
 * tdx_emu_faults_debugfs_init() - create the knobs and observables
 * @root: the emulator's debugfs directory
 */
void tdx_emu_faults_debugfs_init(struct dentry *root)
{
	struct tdx_emu_faults *f = &tdx_emu_faults;

	debugfs_create_u32("service_delay_ms", 0600, root,
			   &f->service_delay_ms);
	debugfs_create_bool("drop_irq", 0600, root, &f->drop_irq);
	debugfs_create_bool("irq_before_status", 0600, root,
			    &f->irq_before_status);
	debugfs_create_x64("force_status", 0600, root, &f->force_status);
	debugfs_create_bool("force_status_enable", 0600, root,
			    &f->force_status_enable);
	debugfs_create_u32("force_out_len", 0600, root, &f->force_out_len);
	debugfs_create_bool("force_out_len_enable", 0600, root,
			    &f->force_out_len_enable);
	debugfs_create_bool("rewrite_after_complete", 0600, root,
			    &f->rewrite_after_complete);
	debugfs_create_bool("double_complete", 0600, root,
			    &f->double_complete);
	debugfs_create_bool("never_complete", 0600, root, &f->never_complete);
	debugfs_create_bool("sync_unavailable", 0600, root,
			    &f->sync_unavailable);
	debugfs_create_bool("refuse_event_notify", 0600, root,
			    &f->refuse_event_notify);
	debugfs_create_file_unsafe("tdvmcall_info", 0600, root,
				   &f->tdvmcall_info,
				   &tdx_emu_tdvmcall_info_fops);
	debugfs_create_bool("header_write_qemu", 0600, root,
			    &f->header_write_qemu);
	debugfs_create_file_unsafe("header_gap_us", 0600, root,
				   &f->header_gap_us,
				   &tdx_emu_header_gap_us_fops);
	debugfs_create_bool("stale_quote", 0600, root, &f->stale_quote);
	debugfs_create_bool("refuse_get_quote", 0600, root,
			    &f->refuse_get_quote);
	debugfs_create_file_unsafe("max_in_flight", 0600, root,
				   &f->max_in_flight,
				   &tdx_emu_max_in_flight_fops);
	debugfs_create_atomic_t("report_busy", 0600, root, &f->report_busy);
	debugfs_create_atomic_t("report_invalid", 0600, root,
				&f->report_invalid);
	debugfs_create_atomic_t("report_error", 0600, root, &f->report_error);
	debugfs_create_atomic_t("extend_busy", 0600, root, &f->extend_busy);
	debugfs_create_atomic_t("extend_invalid", 0600, root,
				&f->extend_invalid);
	debugfs_create_atomic_t("extend_error", 0600, root, &f->extend_error);
	debugfs_create_file_unsafe("spurious_irq", 0200, root, NULL,
				   &tdx_emu_spurious_irq_fops);
	debugfs_create_file_unsafe("complete_held", 0200, root, NULL,
				   &tdx_emu_complete_held_fops);
	debugfs_create_file_unsafe("complete_newest", 0200, root, NULL,
				   &tdx_emu_complete_newest_fops);
	debugfs_create_file_unsafe("write_idle", 0200, root, NULL,
				   &tdx_emu_write_idle_fops);

	debugfs_create_file_unsafe("tdcalls", 0400, root,
				   &tdx_emu_stats.tdcalls,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("irqs_raised", 0400, root,
				   &tdx_emu_stats.irqs_raised,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("quote_requests", 0400, root,
				   &tdx_emu_stats.quote_requests,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("quote_refused", 0400, root,
				   &tdx_emu_stats.quote_refused,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("quote_retries", 0400, root,
				   &tdx_emu_stats.quote_retries,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("double_completions", 0400, root,
				   &tdx_emu_stats.double_completions,
				   &tdx_emu_atomic64_fops);
	debugfs_create_file_unsafe("idle_writes", 0400, root,
				   &tdx_emu_stats.idle_writes,
				   &tdx_emu_atomic64_fops);
	debugfs_create_atomic_t("header_gap_max_us", 0600, root,
				&tdx_emu_stats.header_gap_max_us);
	debugfs_create_file_unsafe("quotes_in_flight", 0400, root, NULL,
				   &tdx_emu_in_flight_fops);
	debugfs_create_file_unsafe("quotes_in_flight_peak", 0600, root, NULL,
				   &tdx_emu_in_flight_peak_fops);
	debugfs_create_file("requests", 0400, root, NULL,
			    &tdx_emu_requests_seq_fops);
	debugfs_create_file_unsafe("event_vector", 0400, root, NULL,
				   &tdx_emu_event_vector_fops);
	debugfs_create_file_unsafe("event_cpu", 0400, root, NULL,
				   &tdx_emu_event_cpu_fops);
}
