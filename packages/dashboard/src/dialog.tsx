import { createEffect, createUniqueId, type JSX, onCleanup, Show } from "solid-js";
import { t } from "./i18n";

/**
 * A modal on the native `<dialog>`: focus kept inside, Escape closes, and focus returns to the
 * opener — the element focused when it opened (or the page's title if that element is gone).
 * The `<dialog>` stays in the page and is closed with `close()`, never just removed; its
 * content is built on each opening, so a form in it starts afresh.
 */
export function Modal(props: { title: string; open: boolean; onClose: () => void; children: JSX.Element }) {
  let dialog: HTMLDialogElement | undefined;
  let opener: Element | null = null;
  const titleId = createUniqueId();
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    } else if (!props.open && dialog.open) dialog.close();
  });
  const returnFocus = () => {
    const back = opener instanceof HTMLElement && opener.isConnected ? opener : document.querySelector<HTMLElement>("main h1");
    opener = null;
    back?.focus();
  };
  onCleanup(() => {
    if (dialog?.open) dialog.close();
  });
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      class="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40"
      onClose={() => {
        returnFocus();
        // Escape closes the dialog itself: the page hears of it.
        if (props.open) props.onClose();
      }}
    >
      <Show when={props.open}>
        <h2 id={titleId} class="mb-3 text-lg font-semibold">
          {props.title}
        </h2>
        {props.children}
      </Show>
    </dialog>
  );
}

/** "Are you sure?" in the page (never `window.confirm`): Cancel first, so Enter on opening does nothing harmful. */
export function ConfirmDialog(props: {
  title: string;
  open: boolean;
  confirmLabel: string;
  disabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  children: JSX.Element;
}) {
  return (
    <Modal title={props.title} open={props.open} onClose={props.onClose}>
      <div class="space-y-3 text-sm">{props.children}</div>
      <div class="mt-4 flex justify-end gap-2">
        <button type="button" class="btn" onClick={() => props.onClose()}>
          {t("common.cancel")}
        </button>
        <button type="button" class="btn btn-danger" disabled={props.disabled} onClick={() => props.onConfirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
