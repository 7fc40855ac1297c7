/* The records fanotify_iter.bpf.c writes to its iterator and platform/linux/fanotify_bpf.cpp
 * reads: one group record per fanotify group file, followed by one mark record per mark of the
 * group, then a group-end record; and from the second iterator one task record per process. Shared
 * by the BPF program (C) and the agent (C++). */
#ifndef PREFLIGHT_FANOTIFY_ITER_H_
#define PREFLIGHT_FANOTIFY_ITER_H_

enum {
  FANOTIFY_REC_GROUP = 1,
  FANOTIFY_REC_MARK = 2,
  FANOTIFY_REC_END = 3,     /* every mark was sent */
  FANOTIFY_REC_END_CUT = 4, /* more than FANOTIFY_ITER_MAX_MARKS marks: the rest were not */
  FANOTIFY_REC_TASK = 5,    /* a process: pid and comm (in mask and ignore_mask, 16 bytes) */
};

/* Marks walked per group: a bounded loop for the verifier; a group with more is flagged. */
#define FANOTIFY_ITER_MAX_MARKS 1024

struct fanotify_iter_record {  // NOLINT(readability-identifier-naming): C, shared with BPF
  unsigned int type;
  unsigned int pid; /* tgid of the holder */
  unsigned int fd;
  unsigned int flags;      /* group: fanotify_data.flags (init flags); mark: connector type */
  unsigned int f_flags;    /* group: fanotify_data.f_flags (event flags); mark: mark->flags */
  unsigned int priority;   /* group: fsnotify_group.priority; mark: 0 */
  unsigned long long mask; /* mark: mark->mask */
  unsigned long long ignore_mask; /* mark: mark->ignore_mask */
};

#endif
