// SPDX-License-Identifier: GPL-2.0
/* A task-file iterator that selects the fanotify group files of every process and writes each
 * group (class, init and event flags) and each of its marks (object kind, mask, ignored mask) as
 * fixed records (fanotify_iter.h). CO-RE: field offsets are relocated against the running
 * kernel's BTF by libbpf at load time.
 *
 * Sources (Linux v6.18): kernel/bpf/task_iter.c (iter/task_file visits each open file once per
 * process: threads sharing the table are skipped), fs/notify/fanotify/fanotify_user.c (the group
 * file is anon_inode_getfile("[fanotify]", &fanotify_fops, group, ...), so its dentry is named
 * "[fanotify]" and private_data is the fsnotify_group), fs/notify/fdinfo.c (what /proc fdinfo
 * prints for the same group and marks: the walk over group->marks_list). GPL: the iterator needs
 * GPL-only helpers (bpf_seq_write). */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "fanotify_iter.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int is_fanotify_file(struct file *file) {
  struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
  if (!dentry || BPF_CORE_READ(dentry, d_name.len) != 10) return 0;
  char name[12] = {};
  const unsigned char *text = BPF_CORE_READ(dentry, d_name.name);
  if (bpf_probe_read_kernel_str(name, sizeof name, text) != 11) return 0;
  const char want[] = "[fanotify]";
  for (int i = 0; i < 10; i++) {
    if (name[i] != want[i]) return 0;
  }
  return 1;
}

SEC("iter/task_file")
int fanotify_groups(struct bpf_iter__task_file *ctx) {
  struct seq_file *seq = ctx->meta->seq;
  struct task_struct *task = ctx->task;
  struct file *file = ctx->file;
  if (!task || !file || !is_fanotify_file(file)) return 0;

  struct fsnotify_group *group = BPF_CORE_READ(file, private_data);
  if (!group) return 0;
  struct fanotify_iter_record rec = {};
  rec.type = FANOTIFY_REC_GROUP;
  rec.pid = BPF_CORE_READ(task, tgid);
  rec.fd = ctx->fd;
  rec.flags = BPF_CORE_READ(group, fanotify_data.flags);
  rec.f_flags = BPF_CORE_READ(group, fanotify_data.f_flags);
  rec.priority = BPF_CORE_READ(group, priority);
  bpf_seq_write(seq, &rec, sizeof rec);

  struct list_head *head = &group->marks_list;
  struct list_head *pos = BPF_CORE_READ(group, marks_list.next);
  const unsigned long g_list = bpf_core_field_offset(struct fsnotify_mark, g_list);
  int i = 0;
  for (; i < FANOTIFY_ITER_MAX_MARKS && pos && pos != head; i++) {
    struct fsnotify_mark *mark = (struct fsnotify_mark *)((char *)pos - g_list);
    struct fsnotify_mark_connector *conn = BPF_CORE_READ(mark, connector);
    if (conn) {
      struct fanotify_iter_record m = {};
      m.type = FANOTIFY_REC_MARK;
      m.pid = rec.pid;
      m.fd = rec.fd;
      m.flags = BPF_CORE_READ(conn, type);
      m.f_flags = BPF_CORE_READ(mark, flags);
      m.mask = BPF_CORE_READ(mark, mask);
      m.ignore_mask = BPF_CORE_READ(mark, ignore_mask);
      bpf_seq_write(seq, &m, sizeof m);
    }
    pos = BPF_CORE_READ(pos, next);
  }
  rec.type = (pos && pos != head) ? FANOTIFY_REC_END_CUT : FANOTIFY_REC_END;
  bpf_seq_write(seq, &rec, sizeof rec);
  return 0;
}

/* Every process (thread-group leader) with its comm, so the agent can name the known conflicting
 * services without reading /proc/<pid>/comm (kernel/bpf/task_iter.c: iter/task visits each task). */
SEC("iter/task")
int processes(struct bpf_iter__task *ctx) {
  struct task_struct *task = ctx->task;
  if (!task) return 0;
  const int tgid = BPF_CORE_READ(task, tgid);
  if (BPF_CORE_READ(task, pid) != tgid) return 0;
  struct fanotify_iter_record rec = {};
  rec.type = FANOTIFY_REC_TASK;
  rec.pid = tgid;
  BPF_CORE_READ_STR_INTO((char(*)[16])&rec.mask, task, comm);
  bpf_seq_write(ctx->meta->seq, &rec, sizeof rec);
  return 0;
}
