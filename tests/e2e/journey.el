;;; journey.el --- What the Emacs journeys share  -*- lexical-binding: t; -*-

;; Loaded by eglot_journey.el and lsp_mode_journey.el: the input, the result file, waits on
;; conditions (firing idle timers as an idle interactive Emacs would), Flymake navigation, typing.

;;; Code:

(require 'cl-lib)
(require 'json)

(defvar journey--input
  (let ((json-object-type 'plist) (json-array-type 'list))
    (json-read-file (getenv "E2E_INPUT"))))
(defvar journey--wait-s (string-to-number (or (getenv "E2E_WAIT_S") "15")))
(defvar journey--t0 (float-time))
(defvar journey--result (list :steps nil :shown nil :log nil))

(defun journey--put (key value)
  (setq journey--result (plist-put journey--result key value)))

(defun journey--write ()
  (let ((json-encoding-pretty-print nil)
        (coding-system-for-write 'utf-8-unix))
    (with-temp-file (plist-get journey--input :result)
      (insert (json-encode journey--result)))))

(define-error 'journey-stop "Journey stopped")

(defun journey--fail (fmt &rest args)
  (journey--put :error (apply #'format fmt args))
  (signal 'journey-stop nil))

(defun journey--run-idle-timers (idle-since fired)
  "Run the idle timers due after being idle since IDLE-SINCE; FIRED lists those already run.
Batch Emacs never becomes idle (it reads no keyboard), so idle timers -- Eglot's didChange
timer among them -- would never fire; while we wait the user types nothing, i.e. Emacs is
idle, so fire each idle timer once its delay has elapsed, as an interactive Emacs would.
Returns the updated FIRED list."
  (let ((idle (- (float-time) idle-since)))
    (dolist (timer (copy-sequence timer-idle-list))
      (when (and (not (memq timer fired))
                 (memq timer timer-idle-list)
                 (>= idle (float-time (timer--time timer))))
        (push timer fired)
        (timer-event-handler timer))))
  fired)

(defmacro journey--wait-for (what &rest condition)
  "Process events (idle) until CONDITION holds; fail naming WHAT after `journey--wait-s'."
  (declare (indent 1))
  `(let* ((start (float-time))
          (deadline (+ start journey--wait-s))
          (fired nil))
     (while (not (progn ,@condition))
       (when (> (float-time) deadline)
         (journey--fail "timed out after %s s waiting for %s" journey--wait-s ,what))
       (accept-process-output nil 0.01)
       (setq fired (journey--run-idle-timers start fired)))))

(defun journey--lines ()
  (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))

(defun journey--goto-diagnostic (line)
  "Move point to the first Flymake diagnostic on 0-based LINE, the way a user would."
  (goto-char (point-min))
  (forward-line line)
  (let ((bol (point)))
    ;; From the end of the previous line, `flymake-goto-next-error' lands on LINE's first one.
    (unless (bobp) (backward-char))
    (flymake-goto-next-error 1 nil t)
    (unless (and (>= (point) bol) (= (line-number-at-pos) (1+ line)))
      (journey--fail "flymake-goto-next-error went to line %d, not %d"
                     (line-number-at-pos) (1+ line)))))

(defun journey--type (text)
  "Type TEXT character by character with `self-insert-command' (newlines with `newline')."
  (dolist (c (string-to-list text))
    (if (eq c ?\n)
        (newline)
      (let ((last-command-event c))
        (self-insert-command 1)))))
(defun journey--flymake-with (lsp-diagnostic)
  "Flymake's diagnostics: 0-based line, character columns, covered text, and the LSP
diagnostic's code, source and whether it kept `data' (LSP-DIAGNOSTIC maps a Flymake
diagnostic to the client's plist of the LSP one)."
  (vconcat
   (mapcar
    (lambda (d)
      (let* ((beg (flymake-diagnostic-beg d))
             (end (flymake-diagnostic-end d))
             (lsp (funcall lsp-diagnostic d)))
        (save-excursion
          (list :line (progn (goto-char beg) (1- (line-number-at-pos)))
                :col (- beg (line-beginning-position))
                :end_line (progn (goto-char end) (1- (line-number-at-pos)))
                :end_col (- end (line-beginning-position))
                :text (buffer-substring-no-properties beg end)
                :code (plist-get lsp :code)
                :source (plist-get lsp :source)
                :has_data (and (plist-get lsp :data) t)))))
    (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a)
                                                 (flymake-diagnostic-beg b)))))))

(defun journey-main (run)
  "Call RUN, record how it ended, write the result and exit."
  (condition-case err
      (funcall run)
    (journey-stop nil)
    (error (journey--put :error (format "%S" err))))
  (journey--write)
  (kill-emacs 0))

(provide 'journey)
;;; journey.el ends here
