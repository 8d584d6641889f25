#!/usr/bin/env bash
# run.sh - the benchmarks (make bench), each bt86 backend `bt86 -backend
# help` lists against both native twins and QEMU, then the demo OS built
# for full virtualization against its paravirtual build, and Linux's disk and
# network on emulated devices against virtio ones.  Timings never fail it; it
# exits non-zero as compare.sh does: a broken runner, a WRONG checksum, a run
# that crashes or times out, or bt86 stopping on an unimplemented feature,
# under any of the backends.
#   QUICK=1   a smoke run: one repetition, short runs, no Linux boot
#             benchmark, and paravirt-linux.sh's two short boots
# Other settings (BENCH_BACKENDS, BENCH_CLOCK, REPS, ...): bench/compare.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
echo "== translated versus native (bench/compare.sh) =="
"$here/compare.sh"
status=$?
echo
echo "== translation cost =="
"$here/translate-cost.sh"
echo
echo "== full versus paravirtual: the demo OS's workloads (bench/paravirt.sh) =="
"$here/paravirt.sh" || status=1
echo
echo "== full versus paravirtual: Linux's disk and network (bench/paravirt-linux.sh) =="
# 77: no kernel to boot (tests/boot/fetch.sh could not fetch it), not a failure.
"$here/paravirt-linux.sh"
st=$?
[ $st = 0 ] || [ $st = 77 ] || status=1
echo
echo "== Linux boot to a shell, and a shell workload =="
if [ "${QUICK:-0}" = 1 ]; then
	echo "skipped with QUICK=1 (a boot takes about a minute per engine)"
else
	"$here/boot.sh"
fi
exit $status
