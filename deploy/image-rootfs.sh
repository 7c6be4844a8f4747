#!/bin/sh
# Writes the image's root file system into ROOT from the stage it runs in (the Dockerfile's RUNTIME_IMAGE, with the
# jlinked runtime at JAVA_HOME): glibc and every library the JVM and curl link, a POSIX shell and the few commands
# bin/nodewatch and the image's build run, root and nonroot (65532) users, a /tmp anyone may write, and the package
# records of what was taken, so an image scanner still knows the versions. The package manager, perl, bash and the
# rest of the base stay behind: ~20 MB instead of ~90, and nothing on the node runs that the agent does not need.
#
# Usage: image-rootfs.sh ROOT JAVA_HOME
set -eu
root=$1
java_home=$2
commands="sh cat cut dirname ls readlink rm sed sleep curl"

mkdir -p "$root"
# A merged /usr (bin -> usr/bin, lib -> usr/lib, ...) stays merged, so every path the loader and the scripts use
# names the same file as in the base.
for dir in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$dir" ]; then
    mkdir -p "$root$(readlink -f "/$dir")"
    ln -s "$(readlink "/$dir")" "$root/$dir"
  fi
done

copy() { # absolute paths; each copied as the file it names
  for file; do
    mkdir -p "$root$(dirname "$file")"
    cp -L "$file" "$root$file"
  done
}

binaries=
for command in $commands; do
  path=$(command -v "$command") || { echo "image-rootfs: $command not found in the base image" >&2; exit 1; }
  binaries="$binaries $path"
done
elves="$binaries $(find "$java_home" -type f \( -name '*.so' -o -path "$java_home/bin/*" \))"
# (the runtime's libraries find libjvm.so in the JVM that loaded them, not on a path ldd knows)
# shellcheck disable=SC2086
if ldd $elves 2>/dev/null | grep 'not found' | grep -v '^\s*libjvm\.so ' >&2; then
  echo "image-rootfs: libraries missing from the base image (above)" >&2
  exit 1
fi
# ldd names each library it resolved and the loader itself; the runtime's own libraries come with the runtime.
# shellcheck disable=SC2086
libraries=$(ldd $elves 2>/dev/null | grep -o '/[^ :]*' | grep -v "^$java_home/" | sort -u)
# Loaded by name at run time, so ldd cannot see them: libgcc_s by glibc when a thread is cancelled, the name service
# modules for /etc/passwd and DNS where glibc still keeps them apart.
for soname in libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2; do
  path=$(ldconfig -p | awk -v name="$soname" '$1 == name { print $NF; exit }')
  if [ -n "$path" ]; then libraries="$libraries $path"; fi
done
# shellcheck disable=SC2086
copy $binaries $libraries
for file in /etc/nsswitch.conf /etc/os-release /usr/lib/os-release; do
  if [ -e "$file" ]; then copy "$file"; fi
done

printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n' \
  >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
mkdir -p "$root/tmp"
chmod 1777 "$root/tmp"

if command -v dpkg-query >/dev/null; then
  # dpkg knows a file under the name its package shipped it with (/lib/... before the /usr merge), so ask for both.
  packages=$(for file in $binaries $libraries; do
    dpkg-query -S "$file" "$(readlink -f "$file")" 2>/dev/null || true
  done | sed 's/: .*//; s/, /\n/g' | sort -u)
  mkdir -p "$root/var/lib/dpkg"
  for package in $packages; do
    dpkg-query -s "$package"
    echo
  done >"$root/var/lib/dpkg/status"
fi
