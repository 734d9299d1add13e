#!/bin/sh
# Adds FineTune Studio to your applications menu, started from wherever this folder was unpacked (run it again
# after moving the folder). Only your own account's folders are touched; to undo, delete
# ~/.local/share/applications/finetune-studio.desktop.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
for icon in "$HERE"/icons/hicolor/*/apps/finetune-studio.png; do
  size="$(basename "$(dirname "$(dirname "$icon")")")"
  mkdir -p "$DATA/icons/hicolor/$size/apps"
  cp "$icon" "$DATA/icons/hicolor/$size/apps/finetune-studio.png"
done
mkdir -p "$DATA/applications"
sed "s|^Exec=.*|Exec=\"$HERE/FineTuneStudio\"|" "$HERE/finetune-studio.desktop" > "$DATA/applications/finetune-studio.desktop"
echo "FineTune Studio is in your applications menu ($DATA/applications/finetune-studio.desktop)."
