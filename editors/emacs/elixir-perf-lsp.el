;;; elixir-perf-lsp.el --- Elixir performance linting through elixir-perf-lsp  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 elixir-perf-lsp developers

;; Author: elixir-perf-lsp developers
;; URL: https://github.com/elixir-perf-lsp/elixir-perf-lsp
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools, elixir
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Registers the elixir-perf-lsp language server (`elixir-perf-lsp serve', install it with
;; `pip install elixir-perf-lsp') with Eglot and with lsp-mode.  The server flags performance
;; footguns in Elixir code -- `acc ++ [x]' in a reduce, `length(l) > 0' in a guard, `Repo.get'
;; inside `Enum.map', ... -- as diagnostics with codes such as EP101, and offers quick fixes,
;; "Disable EP101 for this line" and a `source.fixAll.elixir-perf' action.
;;
;; Setup:
;;
;;   (require 'elixir-perf-lsp)
;;
;; lsp-mode runs it as an add-on next to ElixirLS / Expert / Lexical: nothing else to do.
;;
;; Eglot drives one server per buffer, so with Eglot elixir-perf-lsp *replaces* your Elixir
;; server in `elixir-mode' / `elixir-ts-mode' buffers.  To keep both, put an LSP multiplexer in
;; front of them and point Eglot at it instead:
;;
;;   ;; pip install rassumfrassum       (https://github.com/joaotavora/rassumfrassum)
;;   (setq elixir-perf-lsp-eglot-register nil)       ; before (require 'elixir-perf-lsp)
;;   (with-eval-after-load 'eglot
;;     (add-to-list 'eglot-server-programs
;;                  '(((elixir-mode :language-id "elixir") (elixir-ts-mode :language-id "elixir"))
;;                    . ("rass" "--" "expert" "--stdio" "--" "elixir-perf-lsp" "serve"))))
;;
;;   ;; or lspx (https://github.com/thefrontside/lspx):
;;   ;;   . ("lspx" "--lsp" "expert --stdio" "--lsp" "elixir-perf-lsp serve")
;;   ;; ElixirLS instead of Expert: replace "expert" "--stdio" by "elixir-ls"
;;   ;; (or "language_server.sh", whichever name your install uses).
;;
;; Settings (section `elixirPerf') go in `elixir-perf-lsp-settings' (sent as initializationOptions
;; by both clients, and answered on workspace/configuration by lsp-mode); with Eglot you can also
;; set them per project in `eglot-workspace-configuration':
;;
;;   ((elixir-mode . ((eglot-workspace-configuration
;;                     . (:elixirPerf (:ignore ["EP503"] :targetElixir "1.17"))))))
;;
;; Fix every safe finding of the buffer: M-x elixir-perf-lsp-fix-all (Eglot or lsp-mode).

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defgroup elixir-perf-lsp nil
  "Elixir performance linting through the elixir-perf-lsp language server."
  :group 'tools
  :prefix "elixir-perf-lsp-"
  :link '(url-link "https://github.com/elixir-perf-lsp/elixir-perf-lsp"))

(defcustom elixir-perf-lsp-command '("elixir-perf-lsp" "serve")
  "Program and arguments that start elixir-perf-lsp on stdio.
E.g. (\"/path/to/venv/bin/python\" \"-P\" \"-m\" \"elixir_perf_lsp\" \"serve\"):
-P (Python 3.11+; -I on 3.10) keeps the project directory off `sys.path', so the
project's own Python files are never imported."
  :type '(repeat string))

(defcustom elixir-perf-lsp-settings nil
  "Settings for section `elixirPerf', as a plist in JSON form.
Arrays are vectors and objects are plists, e.g.
  (:ignore [\"EP503\"] :severity (:EP101 \"warning\") :targetElixir \"1.17\")
Keys: :select :ignore :severity :targetElixir :targetOtp :configFile
:debounceMs :enable.  Leave a key out to use the project's
`.elixir-perf.toml', then the server's default."
  :type '(plist :key-type (choice (const :select) (const :ignore) (const :severity)
                                  (const :targetElixir) (const :targetOtp)
                                  (const :configFile) (const :debounceMs) (const :enable))
                :value-type sexp))

(defcustom elixir-perf-lsp-eglot-register t
  "Whether loading this package adds elixir-perf-lsp to `eglot-server-programs'.
Eglot runs one server per buffer, so this makes Eglot use elixir-perf-lsp
instead of ElixirLS/Expert for Elixir buffers.  Set it to nil before
loading the package when you run both through a multiplexer (see the
Commentary)."
  :type 'boolean)

(defconst elixir-perf-lsp-fix-all-kind "source.fixAll.elixir-perf"
  "Code action kind of the server's fix-all action.")

(defconst elixir-perf-lsp--modes
  '((elixir-mode :language-id "elixir") (elixir-ts-mode :language-id "elixir"))
  "Major modes served, in `eglot-server-programs' form.")

(defun elixir-perf-lsp--section ()
  "The `elixirPerf' settings as a JSON-ready object (never a JSON null)."
  (or elixir-perf-lsp-settings (make-hash-table :test #'equal)))

(defun elixir-perf-lsp--initialization-options (&rest _)
  "Return the initializationOptions: the settings under their section name."
  (list :elixirPerf (elixir-perf-lsp--section)))

;;;; Eglot

(declare-function eglot-code-actions "eglot")
(defvar eglot-server-programs)

(defun elixir-perf-lsp-eglot-contact (&optional _interactive)
  "Eglot contact for elixir-perf-lsp.
`elixir-perf-lsp-command' followed by the initializationOptions."
  (append elixir-perf-lsp-command
          (list :initializationOptions #'elixir-perf-lsp--initialization-options)))

(defun elixir-perf-lsp-eglot-setup ()
  "Make Eglot start elixir-perf-lsp for `elixir-mode' and `elixir-ts-mode'."
  (add-to-list 'eglot-server-programs
               (cons elixir-perf-lsp--modes #'elixir-perf-lsp-eglot-contact)))

(with-eval-after-load 'eglot
  (when elixir-perf-lsp-eglot-register
    (elixir-perf-lsp-eglot-setup)))

;;;; lsp-mode

(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-activate-on "lsp-mode")
(declare-function lsp-register-custom-settings "lsp-mode")
(declare-function lsp-configuration-section "lsp-mode")
(declare-function lsp--set-configuration "lsp-mode")
(declare-function lsp-execute-code-action-by-kind "lsp-mode")
(defvar lsp-language-id-configuration)
(defvar lsp--cur-workspace)

(defun elixir-perf-lsp--setting (key &optional default)
  "Value of KEY in `elixir-perf-lsp-settings', or DEFAULT when absent."
  (if (plist-member elixir-perf-lsp-settings key)
      (plist-get elixir-perf-lsp-settings key)
    default))

(with-eval-after-load 'lsp-mode
  ;; lsp-mode 8.0 knows `elixir-mode' only; `lsp-activate-on' goes through this table.
  (add-to-list 'lsp-language-id-configuration '(elixir-ts-mode . "elixir"))

  ;; Served on workspace/configuration, section "elixirPerf".
  (lsp-register-custom-settings
   `(("elixirPerf.select" ,(lambda () (elixir-perf-lsp--setting :select)))
     ("elixirPerf.ignore" ,(lambda () (elixir-perf-lsp--setting :ignore)))
     ("elixirPerf.severity" ,(lambda () (elixir-perf-lsp--setting :severity)))
     ("elixirPerf.targetElixir" ,(lambda () (elixir-perf-lsp--setting :targetElixir)))
     ("elixirPerf.targetOtp" ,(lambda () (elixir-perf-lsp--setting :targetOtp)))
     ("elixirPerf.configFile" ,(lambda () (elixir-perf-lsp--setting :configFile)))
     ("elixirPerf.debounceMs" ,(lambda () (elixir-perf-lsp--setting :debounceMs)))
     ("elixirPerf.logLevel" ,(lambda () (elixir-perf-lsp--setting :logLevel)))
     ("elixirPerf.logFile" ,(lambda () (elixir-perf-lsp--setting :logFile)))
     ("elixirPerf.enable" ,(lambda () (elixir-perf-lsp--setting :enable t)) t)))

  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () elixir-perf-lsp-command))
    :activation-fn (lsp-activate-on "elixir")
    :server-id 'elixir-perf-lsp
    :add-on? t
    :priority -2
    :initialization-options #'elixir-perf-lsp--initialization-options
    ;; Push the section once the server is up (as `with-lsp-workspace' would, without
    ;; needing lsp-mode's macros at compile time).
    :initialized-fn (lambda (workspace)
                      (let ((lsp--cur-workspace workspace))
                        (lsp--set-configuration (lsp-configuration-section "elixirPerf")))))))

;;;; Commands

;;;###autoload
(defun elixir-perf-lsp-fix-all ()
  "Apply every safe elixir-perf fix in the current buffer.
Runs the code action of kind `source.fixAll.elixir-perf' through
lsp-mode or Eglot, whichever manages the buffer."
  (interactive)
  (cond
   ((and (bound-and-true-p lsp-mode) (fboundp 'lsp-execute-code-action-by-kind))
    (lsp-execute-code-action-by-kind elixir-perf-lsp-fix-all-kind))
   ((and (bound-and-true-p eglot--managed-mode) (fboundp 'eglot-code-actions))
    (eglot-code-actions (point-min) (point-max) elixir-perf-lsp-fix-all-kind t))
   (t (user-error "Neither Eglot nor lsp-mode manages this buffer"))))

(provide 'elixir-perf-lsp)
;;; elixir-perf-lsp.el ends here
