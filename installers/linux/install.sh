#!/bin/sh
# Add AudioStory Studio to this user's applications menu (no root needed), from the folder
# this script is in; `./install.sh --uninstall` removes the menu entry, icons and command.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN=$HOME/.local/bin
ENTRY=$DATA/applications/audiostory-studio.desktop
SIZES="16 24 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$ENTRY" "$BIN/audiostory-studio"
    for size in $SIZES; do
        rm -f "$DATA/icons/hicolor/${size}x${size}/apps/audiostory-studio.png"
    done
    rm -f "$DATA/icons/hicolor/scalable/apps/audiostory-studio.svg"
    echo "AudioStory Studio removed from the menu (its folder $HERE is left as it is)."
    exit 0
fi

ICONS=$HERE/_internal/resources/icons
mkdir -p "$DATA/applications" "$BIN" "$DATA/icons/hicolor/scalable/apps"
for size in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    cp "$ICONS/audiostory-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/audiostory-studio.png"
done
cp "$ICONS/audiostory.svg" "$DATA/icons/hicolor/scalable/apps/audiostory-studio.svg"
sed "s|^Exec=.*|Exec=\"$HERE/audiostory-studio\" %f|" "$HERE/audiostory-studio.desktop" > "$ENTRY"
chmod 644 "$ENTRY"
ln -sf "$HERE/audiostory-studio" "$BIN/audiostory-studio"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$DATA/icons/hicolor" || true
echo "AudioStory Studio is in your applications menu; in a terminal: audiostory-studio --help"
echo "(if that command is not found, add $BIN to your PATH)."
