;;; smoke-lsp-mode.el --- Live check of elixir-perf-lsp.el with lsp-mode  -*- lexical-binding: t; -*-

;; Usage (Emacs 28 + lsp-mode 8 from ELPA/Debian `elpa-lsp-mode', `elixir-perf-lsp' on PATH):
;;   emacs --batch -l editors/emacs/tests/smoke-lsp-mode.el
;; Exits 0 when lsp-mode starts elixir-perf-lsp as an add-on for a stub `elixir-mode' buffer, an
;; `elixir-perf' diagnostic arrives and `elixir-perf-lsp-fix-all' rewrites the buffer; 1 otherwise.

;;; Code:

(package-initialize)
(require 'cl-lib)

(defvar smoke--dir (file-name-directory (or load-file-name buffer-file-name)))
(defvar smoke--home (make-temp-file "elixir-perf-smoke-home" t))

;; Keep lsp-mode's session file and prompts out of the way.
(setq lsp-session-file (expand-file-name "lsp-session" smoke--home)
      lsp-auto-guess-root nil
      lsp-restart 'ignore
      lsp-enable-snippet nil
      lsp-auto-install-servers nil
      lsp-keep-workspace-alive nil
      lsp-enable-file-watchers nil
      lsp-log-io nil
      lsp-warn-no-matched-clients nil)

(require 'lsp-mode)
(load (expand-file-name "../elixir-perf-lsp.el" smoke--dir) nil t)
;; Settings reach the server: EP101 (line 7) must not be reported.
(setq elixir-perf-lsp-settings '(:ignore ["EP101"]))

(define-derived-mode elixir-mode prog-mode "Elixir" "Stub major mode for the smoke test.")

(defun smoke--fail (fmt &rest args)
  (princ (format "FAIL: %s\n" (apply #'format fmt args)) #'external-debugging-output)
  (kill-emacs 1))

(unless (executable-find (car elixir-perf-lsp-command))
  (smoke--fail "%s is not on PATH (pip install elixir-perf-lsp)" (car elixir-perf-lsp-command)))

(defvar smoke--shown nil "Errors and warnings the server showed.")
(advice-add 'lsp--window-show-message :before
            (lambda (params &rest _)
              (when (<= (gethash "type" params 4) 2)
                (push (gethash "message" params) smoke--shown))))

(let* ((project (make-temp-file "elixir-perf-smoke" t))
       (file (expand-file-name "lib/smoke.ex" project)))
  (make-directory (file-name-directory file) t)
  (with-temp-file (expand-file-name "mix.exs" project)
    (insert "defmodule Smoke.MixProject do\n  use Mix.Project\n"
            "  def project, do: [app: :smoke, version: \"0.1.0\", elixir: \"~> 1.14\"]\nend\n"))
  (with-temp-file file
    (insert "defmodule Smoke do\n  def g(list) do\n"
            "    if length(list) == 0, do: :empty, else: :full\n  end\n\n"
            "  def h(list) when length(list) > 0, do: :ok\nend\n"))
  (lsp-workspace-folders-add project)
  (find-file file)
  (elixir-mode)
  (lsp)
  (with-timeout (20 (smoke--fail "elixir-perf-lsp did not start; workspaces: %S" (lsp-workspaces)))
    (while (not (cl-some (lambda (w) (eq (lsp--workspace-status w) 'initialized)) (lsp-workspaces)))
      (accept-process-output nil 0.05)))
  (let ((ids (mapcar (lambda (w) (lsp--client-server-id (lsp--workspace-client w))) (lsp-workspaces))))
    (unless (memq 'elixir-perf-lsp ids) (smoke--fail "started %S, not elixir-perf-lsp" ids)))
  (let (ours)
    (with-timeout (20 (smoke--fail "no elixir-perf diagnostics within 20 s"))
      (while (not ours)
        (accept-process-output nil 0.05)
        (setq ours (cl-remove-if-not
                    (lambda (d) (equal (lsp:diagnostic-source? d) "elixir-perf"))
                    (gethash (lsp--fix-path-casing file) (lsp-diagnostics t))))))
    (when (cl-find "EP101" ours :key #'lsp:diagnostic-code? :test #'equal)
      (smoke--fail "EP101 reported although elixir-perf-lsp-settings ignores it"))
    (elixir-perf-lsp-fix-all)
    (accept-process-output nil 0.3)
    (when smoke--shown (smoke--fail "server reported: %S" smoke--shown))
    (goto-char (point-min))
    (unless (search-forward "if list == [], do:" nil t)
      (smoke--fail "fix-all did not rewrite the buffer:\n%s" (buffer-string)))
    (princ (format "ok: lsp-mode %s: diagnostics %s; fix-all applied\n"
                   (if (boundp 'lsp-mode-version) lsp-mode-version "?")
                   (mapconcat (lambda (d) (format "%s" (lsp:diagnostic-code? d))) ours ","))
           #'external-debugging-output))
  (set-buffer-modified-p nil)
  (ignore-errors (lsp-workspace-shutdown (car (lsp-workspaces))))
  (delete-directory project t)
  (delete-directory smoke--home t)
  (kill-emacs 0))

;;; smoke-lsp-mode.el ends here
