;;; smoke-eglot.el --- Live check of elixir-perf-lsp.el with Eglot  -*- lexical-binding: t; -*-

;; Usage (Emacs 28 + Eglot 1.9 from ELPA/Debian, `elixir-perf-lsp' on PATH):
;;   emacs --batch -l editors/emacs/tests/smoke-eglot.el
;; Exits 0 when an `elixir-perf' diagnostic arrives and `elixir-perf-lsp-fix-all' rewrites the
;; buffer; 1 otherwise.  Eglot is loaded through `package-initialize' (not -Q), `elixir-mode' is a
;; stub, and the test waits on the server's publishDiagnostics rather than on Flymake.

;;; Code:

(package-initialize)
(require 'eglot)
(require 'cl-lib)

(defvar smoke--dir (file-name-directory (or load-file-name buffer-file-name)))
(load (expand-file-name "../elixir-perf-lsp.el" smoke--dir) nil t)
;; Settings reach the server: EP101 (line 7) must not be reported.
(setq elixir-perf-lsp-settings '(:ignore ["EP101"]))

(define-derived-mode elixir-mode prog-mode "Elixir" "Stub major mode for the smoke test.")

(defun smoke--fail (fmt &rest args)
  (princ (format "FAIL: %s\n" (apply #'format fmt args)) #'external-debugging-output)
  (kill-emacs 1))

(defvar smoke--diagnostics nil "Diagnostics from the last publishDiagnostics for the file.")
(defvar smoke--shown nil "Errors and warnings the server showed.")

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (when (string-suffix-p "smoke.ex" uri)
    (setq smoke--diagnostics (append diagnostics nil))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql window/showMessage)) &key type message &allow-other-keys)
  (when (<= type 2) (push message smoke--shown)))

(unless (executable-find (car elixir-perf-lsp-command))
  (smoke--fail "%s is not on PATH (pip install elixir-perf-lsp)" (car elixir-perf-lsp-command)))

(let* ((project (make-temp-file "elixir-perf-smoke" t))
       (file (expand-file-name "lib/smoke.ex" project))
       (eglot-sync-connect t)
       (eglot-connect-timeout 30))
  (make-directory (file-name-directory file) t)
  (with-temp-file (expand-file-name "mix.exs" project)
    (insert "defmodule Smoke.MixProject do\n  use Mix.Project\n"
            "  def project, do: [app: :smoke, version: \"0.1.0\", elixir: \"~> 1.14\"]\nend\n"))
  (with-temp-file file
    (insert "defmodule Smoke do\n  def g(list) do\n"
            "    if length(list) == 0, do: :empty, else: :full\n  end\n\n"
            "  def h(list) when length(list) > 0, do: :ok\nend\n"))
  (find-file file)
  (elixir-mode)
  (let ((guess (eglot--guess-contact)))
    (unless (equal (car (nth 3 guess)) (car elixir-perf-lsp-command))
      (smoke--fail "Eglot would start %S for elixir-mode" (nth 3 guess)))
    (apply #'eglot guess))
  (flymake-start)
  (with-timeout (20 (smoke--fail "no diagnostics within 20 s"))
    (while (not smoke--diagnostics)
      (accept-process-output nil 0.05)))
  (let ((ours (cl-remove-if-not (lambda (d) (equal (plist-get d :source) "elixir-perf"))
                                smoke--diagnostics)))
    (unless ours (smoke--fail "no elixir-perf diagnostic in %S" smoke--diagnostics))
    (when (cl-find "EP101" ours :key (lambda (d) (plist-get d :code)) :test #'equal)
      (smoke--fail "EP101 reported although elixir-perf-lsp-settings ignores it"))
    (elixir-perf-lsp-fix-all)
    (accept-process-output nil 0.3)
    (when smoke--shown (smoke--fail "server reported: %S" smoke--shown))
    (goto-char (point-min))
    (unless (search-forward "if list == [], do:" nil t)
      (smoke--fail "fix-all did not rewrite the buffer:\n%s" (buffer-string)))
    (princ (format "ok: eglot %s: diagnostics %s; fix-all applied\n"
                   (if (boundp 'eglot-version) eglot-version "1.9")
                   (mapconcat (lambda (d) (format "%s" (plist-get d :code))) ours ","))
           #'external-debugging-output))
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (set-buffer-modified-p nil)
  (delete-directory project t)
  (kill-emacs 0))

;;; smoke-eglot.el ends here
