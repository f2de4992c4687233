;;; lsp_mode_journey.el --- lsp-mode (Emacs 30) against elixir-perf-lsp  -*- lexical-binding: t; -*-

;; Run by tests/e2e/test_lsp_mode.py:
;;   E2E_INPUT=/tmp/x/input.json emacs --batch -l tests/e2e/lsp_mode_journey.el
;; input.json: {"cmd": [...], "file": "/abs/lib/demo.ex", "root": "/abs", "result": "...",
;;              "package": "/abs/editors/emacs/elixir-perf-lsp.el", "fix_line": 1,
;;              "insert_at": 4, "new_line": "  def c(ys) ..."}
;; lsp-mode (Debian's elpa-lsp-mode) starts elixir-perf-lsp as the add-on client registered by
;; editors/emacs/elixir-perf-lsp.el, for a stub `elixir-mode' buffer; diagnostics go to Flymake.
;; The user's commands: `flymake-goto-next-error', `M-x lsp-execute-code-action' taking the first
;; entry of the menu, typing.  It records what the editor saw; the Python test asserts.

;;; Code:

(package-initialize)
(load (expand-file-name "journey.el" (file-name-directory load-file-name)) nil t)

(defvar journey--home (getenv "HOME"))
;; Keep lsp-mode's session file and prompts out of the way.
(setq lsp-session-file (expand-file-name "lsp-session" journey--home)
      lsp-auto-guess-root nil
      lsp-restart 'ignore
      lsp-enable-snippet nil
      lsp-auto-install-servers nil
      lsp-keep-workspace-alive nil
      lsp-enable-file-watchers nil
      lsp-warn-no-matched-clients nil
      lsp-diagnostics-provider :flymake)

(require 'lsp-mode)
(load (plist-get journey--input :package) nil t)
(setq elixir-perf-lsp-command (plist-get journey--input :cmd))

(define-derived-mode elixir-mode prog-mode "Elixir" "Stub major mode for the journey.")

(defvar journey--published nil "Newest publishDiagnostics params for the file (hash table).")

(defun journey--record-published (_workspace params)
  (when (equal (file-truename (lsp--uri-to-path (gethash "uri" params)))
               (file-truename (plist-get journey--input :file)))
    (setq journey--published params)))
(advice-add 'lsp--on-diagnostics :before #'journey--record-published)

(defun journey--record-message (params &rest _)
  (journey--put :shown (vconcat (plist-get journey--result :shown) (list params))))
(advice-add 'lsp--window-show-message :before #'journey--record-message)

(defun journey--published-current-p (&optional after)
  "The server has answered for the buffer's current version (newer than AFTER, if given)."
  (and journey--published
       (equal (gethash "version" journey--published) lsp--cur-version)
       (or (null after) (> lsp--cur-version after))))

(defun journey--flymake ()
  "Flymake's regions; lsp-mode keeps no LSP data on them, so code and source come from the
LSP diagnostic with the same range."
  (let ((by-range (make-hash-table :test #'equal)))
    (dolist (d (gethash (lsp--fix-path-casing buffer-file-name) (lsp-diagnostics t)))
      (puthash (lsp--range-to-region (gethash "range" d)) d by-range))
    (journey--flymake-with
     (lambda (d)
       (let ((lsp (gethash (cons (flymake-diagnostic-beg d) (flymake-diagnostic-end d)) by-range)))
         (list :code (and lsp (gethash "code" lsp))
               :source (and lsp (gethash "source" lsp))
               :data (and lsp (gethash "data" lsp))
               :text (flymake-diagnostic-text d)))))))

(defun journey--snapshot (name &rest extra)
  (let ((step (append (list :name name
                            :ms (round (* 1000 (- (float-time) journey--t0)))
                            :lines (journey--lines)
                            :version lsp--cur-version
                            :published journey--published
                            :flymake (journey--flymake)
                            :messages (vconcat (mapcar #'flymake-diagnostic-text
                                                       (flymake-diagnostics))))
                      extra)))
    (journey--put :steps (vconcat (plist-get journey--result :steps) (list step)))
    step))

(defun journey--code-action ()
  "M-x lsp-execute-code-action; the user takes the menu's first entry.  Returns the menu."
  (let ((menu nil))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (setq menu (all-completions "" collection))
                 (car menu))))
      (call-interactively #'lsp-execute-code-action))
    (vconcat menu)))

(defun journey--run ()
  (journey--put :emacs emacs-version)
  (journey--put :lsp_mode (bound-and-true-p lsp-mode-version))
  (lsp-workspace-folders-add (plist-get journey--input :root))
  (find-file (plist-get journey--input :file))
  (elixir-mode)
  (lsp)
  (journey--wait-for "elixir-perf-lsp to initialize"
    (cl-some (lambda (w) (eq (lsp--workspace-status w) 'initialized)) (lsp-workspaces)))
  (journey--put :servers (vconcat (mapcar (lambda (w) (lsp--client-server-id
                                                        (lsp--workspace-client w)))
                                          (lsp-workspaces))))
  (journey--put :position_encoding
                (or (gethash "positionEncoding"
                             (lsp--workspace-server-capabilities (car (lsp-workspaces))))
                    "absent"))

  ;; 1. Diagnostics on open, shown by Flymake.
  (journey--wait-for "diagnostics for the opened buffer"
    (and (journey--published-current-p)
         (> (length (gethash "diagnostics" journey--published)) 0)))
  (flymake-start)
  (journey--wait-for "Flymake to show them" (flymake-diagnostics))
  (journey--snapshot "opened")

  ;; 2-3. The quick fix through M-x lsp-execute-code-action at the diagnostic.
  (journey--goto-diagnostic (plist-get journey--input :fix_line))
  (let* ((before lsp--cur-version)
         (menu (journey--code-action)))
    (journey--snapshot "fixed" :menu menu)
    (journey--wait-for "diagnostics after the fix" (journey--published-current-p before))
    (flymake-start)
    (journey--wait-for "Flymake to drop the fixed one"
      (= (length (flymake-diagnostics)) (length (gethash "diagnostics" journey--published))))
    (journey--snapshot "fixed_diagnostics"))

  ;; 4. Type a new footgun line before `end'.
  (goto-char (point-min))
  (forward-line (plist-get journey--input :insert_at))
  (let ((before lsp--cur-version))
    (journey--type (concat (plist-get journey--input :new_line) "\n"))
    (journey--wait-for "diagnostics after typing"
      (and (journey--published-current-p before)
           (cl-some (lambda (d) (equal (gethash "line" (gethash "start" (gethash "range" d)))
                                       (plist-get journey--input :insert_at)))
                    (gethash "diagnostics" journey--published)))))
  (flymake-start)
  (journey--wait-for "Flymake to show the new one"
    (= (length (flymake-diagnostics)) (length (gethash "diagnostics" journey--published))))
  (journey--snapshot "typed")

  ;; 5. Fix the typed line the same way.
  (journey--goto-diagnostic (plist-get journey--input :insert_at))
  (let* ((before lsp--cur-version)
         (menu (journey--code-action)))
    (journey--wait-for "diagnostics after the second fix" (journey--published-current-p before))
    (flymake-start)
    (journey--wait-for "Flymake to drop it"
      (= (length (flymake-diagnostics)) (length (gethash "diagnostics" journey--published))))
    (journey--snapshot "command_fixed" :menu menu))

  (set-buffer-modified-p nil)
  (lsp-workspace-shutdown (car (lsp-workspaces)))
  (journey--put :stopped t))

(journey-main #'journey--run)

;;; lsp_mode_journey.el ends here
