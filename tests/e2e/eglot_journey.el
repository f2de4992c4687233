;;; eglot_journey.el --- Eglot (Emacs 28 and 30) against elixir-perf-lsp  -*- lexical-binding: t; -*-

;; Run by tests/e2e/test_emacs.py:
;;   E2E_INPUT=/tmp/x/input.json emacs --batch -l tests/e2e/eglot_journey.el
;; input.json: {"cmd": [...], "file": "/abs/lib/demo.ex", "result": "/abs/result.json",
;;              "package": "/abs/editors/emacs/elixir-perf-lsp.el", "insert_at": 4,
;;              "new_line": "  def c(ys) ..."}
;; Loads Eglot through `package-initialize' (not -Q), defines a stub `elixir-mode', registers the
;; server through the project's editors/emacs/elixir-perf-lsp.el, calls `flymake-start' once and
;; waits on the server's publishDiagnostics (not on Flymake).  It only records what the editor saw
;; (steps with buffer text, Flymake diagnostics, code-action menus) into result.json and the
;; Python test asserts.  Waits are on conditions; no fixed sleeps.

;;; Code:

(package-initialize)
(require 'eglot)
(load (expand-file-name "journey.el" (file-name-directory load-file-name)) nil t)

(defvar journey--published nil "Newest publishDiagnostics params for the file (plist).")
(defvar journey--requests nil "textDocument/codeAction params and results, newest first.")

(define-derived-mode elixir-mode prog-mode "Elixir" "Stub major mode for the journey.")

(defvar journey--multiplexer (plist-get journey--input :multiplexer)
  "The README's multiplexer command (rass ... -- elixir-perf-lsp serve), or nil.")
(when journey--multiplexer
  (setq elixir-perf-lsp-eglot-register nil))
(load (plist-get journey--input :package) nil t)
(if journey--multiplexer
    (add-to-list 'eglot-server-programs
                 `(((elixir-mode :language-id "elixir")) . ,journey--multiplexer))
  (setq elixir-perf-lsp-command (plist-get journey--input :cmd)))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &rest params &key uri &allow-other-keys)
  (when (equal (file-truename (eglot--uri-to-path uri))
               (file-truename (plist-get journey--input :file)))
    (setq journey--published params)))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql window/showMessage)) &rest params &allow-other-keys)
  (journey--put :shown (vconcat (plist-get journey--result :shown) (list params))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql window/logMessage)) &rest params &allow-other-keys)
  (journey--put :log (vconcat (plist-get journey--result :log) (list params))))

(defun journey--record-requests (fn connection method params &rest args)
  "Around `jsonrpc-request': keep codeAction params and results."
  (let ((response (apply fn connection method params args)))
    (when (eq method :textDocument/codeAction)
      (push (list :params params :result response) journey--requests))
    response))
(advice-add 'jsonrpc-request :around #'journey--record-requests)

(defun journey--published-current-p (&optional after)
  "The server has answered for the text Eglot has now (didChange sent, version published).
With AFTER, a version the buffer had before an edit: the answer must be for a later one.
Eglot 1.17 (Emacs 30) learns of edits through track-changes only when it sends them, so
right after an edit its version still equals the last one published: without AFTER a stale
answer would pass for the current one."
  (and journey--published
       (not eglot--recent-changes)
       (equal (plist-get journey--published :version) eglot--versioned-identifier)
       (or (null after) (> eglot--versioned-identifier after))
       (or (null journey--multiplexer) (journey--ours-published-p))))

(defun journey--ours-published-p ()
  "The multiplexed publish holds elixir-perf's answer for this version.
rass publishes a version's diagnostics once every server has, or after 1 s with what it has
(then again when the late one arrives); every step of this journey leaves an elixir-perf
diagnostic, so one of ours means our server has answered."
  (cl-some (lambda (d) (equal (plist-get d :source) "elixir-perf"))
           (plist-get journey--published :diagnostics)))
(defun journey--flymake ()
  (journey--flymake-with
   (lambda (d) (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))))))

(defun journey--snapshot (name &rest extra)
  (let ((step (append (list :name name
                            :ms (round (* 1000 (- (float-time) journey--t0)))
                            :lines (journey--lines)
                            :version eglot--versioned-identifier
                            :published journey--published
                            :flymake (journey--flymake))
                      extra)))
    (journey--put :steps (vconcat (plist-get journey--result :steps) (list step)))
    step))

(defun journey--code-action-command (command &optional kind)
  "Call COMMAND interactively as from the keyboard, taking the menu's default.
With KIND, as `C-u M-x COMMAND' answering KIND to the action-kind prompt.
Returns the action menu (candidate titles), the default offered and the kind prompt seen."
  (let ((menu nil) (default nil) (kind-prompt nil)
        (current-prefix-arg (and kind '(4)))
        ;; A keyboard-invoked command: Eglot then asks through `completing-read'
        ;; (with a mouse event it would pop up a menu).
        (last-nonmenu-event ?\r))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (prompt collection &optional _pred _req _init _hist def &rest _)
                 (if (string-match-p "Action kind" prompt)
                     (progn (setq kind-prompt prompt) kind)
                   (setq menu (vconcat (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                         default def)
                   ;; The user presses RET: the default, which Eglot makes the preferred action.
                   def))))
      (call-interactively command))
    (list :menu menu :default default :kind_prompt kind-prompt)))

(defun journey--run ()
  (journey--put :emacs emacs-version)
  (journey--put :eglot (or (bound-and-true-p eglot-version)
                           (let ((lib (locate-library "eglot")))
                             (and lib (file-name-nondirectory
                                       (directory-file-name (file-name-directory lib)))))))
  (find-file (plist-get journey--input :file))
  (elixir-mode)
  (let ((eglot-sync-connect t)
        (eglot-connect-timeout journey--wait-s)
        (contact (eglot--guess-contact)))
    (journey--put :contact (vconcat (seq-filter #'stringp (nth 3 contact))))
    (apply #'eglot contact))
  (unless (eglot-managed-p) (journey--fail "Eglot does not manage the buffer"))
  (let ((caps (eglot--capabilities (eglot-current-server))))
    (journey--put :position_encoding (or (plist-get caps :positionEncoding) "absent")))

  ;; 1. Diagnostics on open.
  (flymake-start)
  (journey--wait-for "diagnostics for the opened buffer"
    (and (journey--published-current-p)
         (> (length (plist-get journey--published :diagnostics)) 0)))
  (journey--wait-for "Flymake to show them" (flymake-diagnostics))
  (journey--snapshot "opened")

  ;; 2-3. M-x eglot-code-actions at the EP102 diagnostic, RET on the default (preferred) action.
  (journey--goto-diagnostic (plist-get journey--input :fix_line))
  (let ((before eglot--versioned-identifier)
        (point-at (list :line (1- (line-number-at-pos))
                        :col (- (point) (line-beginning-position))))
        (menu (journey--code-action-command #'eglot-code-actions)))
    (journey--snapshot "fixed" :point point-at
                       :request (car journey--requests) :menu menu)
  (journey--wait-for "diagnostics after the fix" (journey--published-current-p before))
  (journey--snapshot "fixed_diagnostics"))

  ;; 4. Type a new footgun line before `end'.
  (goto-char (point-min))
  (forward-line (plist-get journey--input :insert_at))
  (let ((before eglot--versioned-identifier))
    (journey--type (concat (plist-get journey--input :new_line) "\n"))
    (journey--wait-for "diagnostics after typing"
      (and (journey--published-current-p before)
         (cl-some (lambda (d) (equal (plist-get (plist-get (plist-get d :range) :start) :line)
                                     (plist-get journey--input :insert_at)))
                  (plist-get journey--published :diagnostics)))))
  (journey--snapshot "typed")

  ;; 5. C-u M-x eglot-code-actions RET quickfix on the typed line.  (Eglot 1.9's
  ;; `eglot-code-action-quickfix' only returns the actions: it forgets to pass INTERACTIVE.)
  (journey--goto-diagnostic (plist-get journey--input :insert_at))
  (let* ((before eglot--versioned-identifier)
         (menu (journey--code-action-command #'eglot-code-actions "quickfix")))
    (journey--wait-for "diagnostics after the second fix" (journey--published-current-p before))
    (journey--snapshot "command_fixed" :request (car journey--requests) :menu menu))

  (set-buffer-modified-p nil)
  (eglot-shutdown (eglot-current-server))
  (journey--put :stopped t))

(journey-main #'journey--run)

;;; eglot_journey.el ends here
