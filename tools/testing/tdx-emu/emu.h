/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces of the TDX platform emulator (tdx_emu.ko).
 *
 * emu-main.c	module init/exit, the debugfs root
 * emu-tdcall.c	the TDCALL instruction: #UD, decoding, the leaves
 * emu-report.c	measurement state, TDG.MR.REPORT, TDG.MR.RTMR.EXTEND, MAC
 * emu-quote.c	TDVMCALL GetQuote, GetTdVmCallInfo, SetupEventNotifyInterrupt
 * emu-qgs.c	the VMM's client of the quoting service (QGS protocol)
 * emu-faults.c	fault injection knobs and observables
 */
#ifndef __TDX_EMU_H
#define __TDX_EMU_H

#include <linux/atomic.h>
#include <linux/types.h>

struct dentry;
struct seq_file;

/* Requests the emulated VMM accepts at once, as QEMU does */
#define TDX_EMU_MAX_IN_FLIGHT		16
/* How long the VMM waits for the quoting service, as QEMU does */
#define TDX_EMU_QGS_TIMEOUT_MS		30000
/* Delay of the status write with the irq_before_status fault */
#define TDX_EMU_LATE_STATUS_MS		50
/*
 * Delay of the data overwrite with the rewrite_after_complete fault, and of
 * the second completion with double_complete
 */
#define TDX_EMU_REWRITE_MS		10
/* Default and bound of header_gap_us, the window of header_write_qemu */
#define TDX_EMU_HEADER_GAP_US		200
#define TDX_EMU_HEADER_GAP_MAX_US	10000
/* VMM generations tdvmcall_info selects (see enum tdx_emu_ghci) */
#define TDX_EMU_GHCI_MAX		(TDX_EMU_GHCI_LEAF0_R11 + 3)
/* Bound on one spurious_irq write, so a typo cannot stall a CPU */
#define TDX_EMU_MAX_SPURIOUS		10000
/* Extends the rtmr_log keeps; later ones are counted in rtmr_log_lost */
#define TDX_EMU_RTMR_LOG_MAX		4096

/**
 * struct tdx_emu_faults - fault injection knobs of the hostile host
 * @service_delay_ms: delay before a request is sent to the quoting service
 * @drop_irq: complete requests but raise no interrupt
 * @irq_before_status: raise the interrupt, write out_len and status later
 * @force_status: status written instead of the real one ...
 * @force_status_enable: ... when this is set
 * @force_out_len: out_len written instead of the real one ...
 * @force_out_len_enable: ... when this is set
 * @rewrite_after_complete: overwrite the response data after completion
 * @double_complete: write each completion, and raise its interrupt, twice
 * @never_complete: hold requests IN_FLIGHT until complete_held or
 *	complete_newest lets them go
 * @sync_unavailable: answer SERVICE_UNAVAILABLE inside the TDVMCALL
 * @refuse_event_notify: fail SetupEventNotifyInterrupt
 * @tdvmcall_info: the VMM generation GetTdVmCallInfo answers for, an
 *	enum tdx_emu_ghci
 * @header_write_qemu: write the header's status, then out_len after
 *	@header_gap_us, with no ordering between them
 * @header_gap_us: the window of @header_write_qemu, at most
 *	%TDX_EMU_HEADER_GAP_MAX_US
 * @stale_quote: complete with the quote of the previous request
 * @refuse_get_quote: GetQuote answers INVALID_OPERAND, buffer untouched
 * @max_in_flight: requests accepted at once, 1..%TDX_EMU_MAX_IN_FLIGHT
 * @report_busy: the next this many TDG.MR.REPORTs answer TDX_OPERAND_BUSY
 * @report_invalid: ... answer TDX_OPERAND_INVALID + RCX, without a report
 * @report_error: ... answer TDX_OPERAND_ADDR_RANGE_ERROR, without a report
 * @extend_busy: the next this many TDG.MR.RTMR.EXTENDs answer
 *	TDX_OPERAND_BUSY, without extending
 * @extend_invalid: ... answer TDX_OPERAND_INVALID, without extending
 * @extend_error: ... answer TDX_OPERAND_ADDR_RANGE_ERROR, without extending
 *
 * Written by root through debugfs at any time and read with READ_ONCE()
 * where they take effect, so each request sees one consistent value per knob.
 * The counters of the TDX module calls are taken one per call with
 * atomic_dec_if_positive().
 */
struct tdx_emu_faults {
	u32 service_delay_ms;
	bool drop_irq;
	bool irq_before_status;
	u64 force_status;
	bool force_status_enable;
	u32 force_out_len;
	bool force_out_len_enable;
	bool rewrite_after_complete;
	bool double_complete;
	bool never_complete;
	bool sync_unavailable;
	bool refuse_event_notify;
	u32 tdvmcall_info;
	bool header_write_qemu;
	u32 header_gap_us;
	bool stale_quote;
	bool refuse_get_quote;
	u32 max_in_flight;
	atomic_t report_busy;
	atomic_t report_invalid;
	atomic_t report_error;
	atomic_t extend_busy;
	atomic_t extend_invalid;
	atomic_t extend_error;
};

/**
 * enum tdx_emu_ghci - the VMM generations the tdvmcall_info knob selects
 * @TDX_EMU_GHCI_1_5: GetTdVmCallInfo leaf 1 lists SetupEventNotifyInterrupt
 * @TDX_EMU_GHCI_1_5_NO_NOTIFY: leaf 1 answers without it, and the VMM does
 *	not implement SetupEventNotifyInterrupt
 * @TDX_EMU_GHCI_1_0: leaf 1 is unknown (INVALID_OPERAND); only leaf 0 is
 * @TDX_EMU_GHCI_LEAF0_R11: not GHCI: leaf 0 answers R11 non-zero, and the
 *	three values after it R12, R13, R14 (otherwise as GHCI 1.5)
 */
enum tdx_emu_ghci {
	TDX_EMU_GHCI_1_5,
	TDX_EMU_GHCI_1_5_NO_NOTIFY,
	TDX_EMU_GHCI_1_0,
	TDX_EMU_GHCI_LEAF0_R11,
};

/**
 * struct tdx_emu_stats - observables of the emulated TDX module and VMM
 * @tdcalls: TDCALL instructions emulated
 * @irqs_raised: interrupts sent to the registered vector and CPU
 * @quote_requests: GetQuote TDVMCALLs that passed validation
 * @quote_refused: GetQuote TDVMCALLs refused by the refuse_get_quote fault
 * @quote_retries: GetQuote TDVMCALLs answered RETRY because max_in_flight
 *	requests were in flight
 * @double_completions: second writes of a completion (double_complete)
 * @idle_writes: buffers written by write_idle while no request had them
 * @header_gap_max_us: the longest time header_write_qemu left the final
 *	status beside a stale out_len, in microseconds, since 0 was last
 *	written to it: the window a guest could see, the emulator's own
 *	scheduling included
 */
struct tdx_emu_stats {
	atomic64_t tdcalls;
	atomic64_t irqs_raised;
	atomic64_t quote_requests;
	atomic64_t quote_refused;
	atomic64_t quote_retries;
	atomic64_t double_completions;
	atomic64_t idle_writes;
	atomic_t header_gap_max_us;
};

extern struct tdx_emu_faults tdx_emu_faults;
extern struct tdx_emu_stats tdx_emu_stats;
extern char *tdx_emu_qgs_socket;

/* emu-tdcall.c */
int tdx_emu_tdcall_init(void);
void tdx_emu_tdcall_exit(void);

/* emu-report.c */
int tdx_emu_report_init(void);
void tdx_emu_report_debugfs_init(struct dentry *root);
void tdx_emu_report_exit(void);
u64 tdx_emu_mr_report(phys_addr_t tdreport, phys_addr_t reportdata,
		      u64 subtype);
u64 tdx_emu_mr_rtmr_extend(phys_addr_t data, u64 index);
bool tdx_emu_phys_is_ram(phys_addr_t pa, size_t size);

/* emu-quote.c */
int tdx_emu_quote_init(void);
void tdx_emu_quote_exit(void);
u64 tdx_emu_vmcall_get_quote(phys_addr_t gpa, u64 size);
u64 tdx_emu_vmcall_get_td_vm_call_info(u64 leaf, u64 out[4]);
u64 tdx_emu_vmcall_setup_event_notify(u64 vector);
bool tdx_emu_raise_irq(void);
void tdx_emu_complete_held(void);
int tdx_emu_complete_newest(void);
void tdx_emu_write_idle(void);
unsigned int tdx_emu_quotes_in_flight(void);
unsigned int tdx_emu_quotes_in_flight_peak(void);
void tdx_emu_quotes_in_flight_peak_reset(void);
void tdx_emu_event_target(int *vector, int *cpu);
void tdx_emu_requests_show(struct seq_file *m);

/* emu-qgs.c */
struct tdx_emu_qgs_conn;
struct tdx_emu_qgs_conn *tdx_emu_qgs_open(void);
int tdx_emu_qgs_get_quote(struct tdx_emu_qgs_conn *conn, const u8 *report,
			  size_t report_len, u8 *quote, size_t quote_max,
			  size_t *quote_len);
void tdx_emu_qgs_put(struct tdx_emu_qgs_conn *conn);
void tdx_emu_qgs_abort(void);

/* emu-faults.c */
void tdx_emu_faults_debugfs_init(struct dentry *root);
bool tdx_emu_fault_take(atomic_t *knob);

#endif /* __TDX_EMU_H */
