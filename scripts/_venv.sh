# Sourced by scripts/run and scripts/cchc (what running needs) and scripts/test (the test tools too), from the
# project's root: a project-local virtualenv in .venv. Two stamps, each redone when pyproject.toml changes:
# .venv/.installed-runtime-<hash> (the app) and .venv/.installed-dev-<hash> (pytest, ruff, Playwright… — only
# ./scripts/test asks for them, with CCHC_EXTRAS=dev). It says what it is doing while pip works.
PY="${PYTHON:-python3}"
_cchc_hash=$(sha256sum pyproject.toml | cut -c1-16)
_cchc_say() { printf 'cchc: %s\n' "$*" >&2; }

_cchc_pip() {  # $1: what is installed (for the messages); then pip's arguments
  local what=$1 start=$SECONDS line
  shift
  _cchc_say "cài $what — lần đầu mất vài phút; từng gói hiện bên dưới (nhật ký đầy đủ: .venv/pip.log)"
  if ! PYTHONUNBUFFERED=1 .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off "$@" 2>&1 \
      | tee .venv/pip.log | while IFS= read -r line; do
          case "$line" in
            "Installing build dependencies"*) _cchc_say "chuẩn bị công cụ đóng gói (setuptools) …" ;;
            "Getting requirements"*|"Checking if build backend"*) ;;
            Preparing*metadata*) _cchc_say "đọc danh sách thư viện cần cài …" ;;
            Collecting*) line=${line#Collecting }; printf '  · %s\n' "${line%% *}" >&2 ;;
            "Installing collected packages"*) _cchc_say "đang cài các gói đã tải …" ;;
          esac
        done; then
    tail -n 15 .venv/pip.log >&2
    _cchc_say "cài $what thất bại (xem .venv/pip.log)"
    return 1
  fi
  _cchc_say "đã cài $what ($((SECONDS - start)) s)"
}

if [ ! -x .venv/bin/python ]; then
  _cchc_say "tạo môi trường Python riêng trong .venv ($("$PY" --version 2>&1)) …"
  "$PY" -m venv .venv
fi
if [ "${CCHC_EXTRAS:-}" = "dev" ]; then
  if [ ! -f ".venv/.installed-dev-$_cchc_hash" ]; then
    _cchc_pip "ứng dụng và công cụ kiểm thử" -e '.[dev]'
    rm -f .venv/.installed-*
    touch ".venv/.installed-dev-$_cchc_hash" ".venv/.installed-runtime-$_cchc_hash"
  fi
elif [ ! -f ".venv/.installed-runtime-$_cchc_hash" ]; then
  _cchc_pip "ứng dụng" -e .
  rm -f .venv/.installed-runtime-* .venv/.installed-dev-*
  touch ".venv/.installed-runtime-$_cchc_hash"
fi
