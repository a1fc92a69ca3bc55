#!/bin/sh
# Installs Tenbolt's root helper and its polkit policy from this copy of Tenbolt (run as root, by the
# package's postinst or once through the app's bootstrap prompt). Takes no arguments: every source
# and destination path is fixed.
#   <this dir>/../dist/driver/helper/*.js      -> /usr/lib/tenbolt/helper/
#   <this dir>/../driver/patch/rxpageorder.patch -> /usr/lib/tenbolt/helper/
#   <this dir>/polkit/org.tenbolt.helper.policy -> /usr/share/polkit-1/actions/
#   launcher                                    -> /usr/lib/tenbolt/tenbolt-helper
set -eu
umask 022
[ "$(id -u)" = 0 ] || { echo "install-helper.sh: must run as root" >&2; exit 1; }
[ $# -eq 0 ] || { echo "install-helper.sh: takes no arguments" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
src="$top/dist/driver/helper"
policy="$here/polkit/org.tenbolt.helper.policy"
patch="$top/driver/patch/rxpageorder.patch"
[ -f "$src/main.js" ] || { echo "install-helper.sh: $src/main.js missing (run npm run build)" >&2; exit 1; }
[ -f "$policy" ] || { echo "install-helper.sh: $policy missing" >&2; exit 1; }

# The helper runs as root, so the node that runs it must be root's: owned by root, not writable by
# anyone else (never a node from a home directory or a version manager).
node=""
for cand in /usr/bin/node /usr/local/bin/node /usr/bin/nodejs; do
  [ -x "$cand" ] || continue
  real=$(readlink -f "$cand")
  owner=$(stat -c %u "$real")
  perms=$(stat -c %a "$real")
  case "$perms" in *[2367]? | *[2367]) continue ;; esac
  [ "$owner" = 0 ] || continue
  node="$real"
  break
done
[ -n "$node" ] || { echo "install-helper.sh: no root-owned node (>= 20) in /usr/bin or /usr/local/bin; install nodejs" >&2; exit 1; }

stage=$(mktemp -d /usr/lib/.tenbolt-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/helper"
for f in "$src"/*.js; do
  case "$f" in *.test.js) continue ;; esac
  install -m 0644 "$f" "$stage/helper/"
done
[ -f "$patch" ] && install -m 0644 "$patch" "$stage/helper/"
printf '{ "type": "module", "private": true }\n' > "$stage/helper/package.json"
cat > "$stage/tenbolt-helper" <<LAUNCHER
#!/bin/sh
# Tenbolt root helper launcher (written by install-helper.sh); arguments pass through as argv, never parsed.
exec $node /usr/lib/tenbolt/helper/main.js "\$@"
LAUNCHER
chmod 0755 "$stage/tenbolt-helper" "$stage/helper"
chmod 0755 "$stage"
chown -R 0:0 "$stage"

rm -rf /usr/lib/tenbolt.old
[ -d /usr/lib/tenbolt ] && mv /usr/lib/tenbolt /usr/lib/tenbolt.old
mv "$stage" /usr/lib/tenbolt
rm -rf /usr/lib/tenbolt.old
trap - EXIT
install -D -m 0644 -o 0 -g 0 "$policy" /usr/share/polkit-1/actions/org.tenbolt.helper.policy
mkdir -p /var/lib/tenbolt
chmod 0755 /var/lib/tenbolt
echo "installed /usr/lib/tenbolt/tenbolt-helper (node: $node) and the polkit policy"
