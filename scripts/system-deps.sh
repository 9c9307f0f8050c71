#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (Playwright drives Debian's build), a CJK
# font (Chinese PDFs and screenshots), gettext (compiling translations) and poppler-utils
# (the PDF tests read text and fonts back and render pages to PNG), Dovecot (the mail intake
# tests start a real IMAP server) and Redis (the Celery worker test).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
{ command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || need+=(dovecot-imapd)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: present"
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
