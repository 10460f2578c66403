// The conversation on the Ticket form: the customer's messages, the team's replies and internal notes,
// oldest first with the description leading, and under them the reply box that answers on the ticket's
// channel (Telegram or e-mail) or adds an internal note. Content arrives sanitized by the server
// (support_hub.api.ticket.conversation); names and dates are escaped here.
frappe.provide("support_hub.conversation");

const esc_c = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

support_hub.conversation.STYLE = `
.sh-conversation-column { flex: 0 0 60%; max-width: 60%; }
.sh-side-column { flex: 0 0 40%; max-width: 40%; }
.sh-thread { max-height: 430px; overflow-y: auto; padding-right: 4px; }
.sh-msg { border-radius: 8px; padding: 8px 12px; margin-bottom: 8px; border: 1px solid var(--border-color); }
.sh-msg.in { background: var(--bg-color); margin-right: 12%; }
.sh-msg.out { background: var(--bg-light-gray, var(--subtle-fg)); margin-left: 12%; }
.sh-msg.note { background: var(--bg-yellow, #fff8e1); border-style: dashed; margin-left: 6%; margin-right: 6%; }
.sh-msg.auto { opacity: 0.75; }
.sh-msg-head { font-size: var(--text-sm); color: var(--text-muted); margin-bottom: 4px; display: flex; gap: 8px; }
.sh-msg-body { overflow-wrap: anywhere; }
.sh-msg-body img { max-width: 100%; }
.sh-msg-body p:last-child { margin-bottom: 0; }
.sh-reply { margin-top: 8px; }
.sh-reply textarea { min-height: 84px; }
.sh-reply-bar { display: flex; align-items: center; gap: 8px; margin-top: 6px; flex-wrap: wrap; }
.sh-side-column .frappe-control[data-fieldname="customer_history"] { max-height: 360px; overflow-y: auto; }
.sh-side-column .frappe-control[data-fieldname="customer_history"] table { font-size: var(--text-sm); }
.sh-side-column .frappe-control[data-fieldname="customer_history"] .table-responsive { overflow-x: visible; }
/* Beside the conversation the earlier tickets keep number, subject, status, rating and date. */
.sh-side-column .sh-earlier-tickets th:nth-child(4), .sh-side-column .sh-earlier-tickets td:nth-child(4) { display: none; }
`;

support_hub.conversation.ensure_style = function () {
	if (document.getElementById("sh-conversation-style")) return;
	const style = document.createElement("style");
	style.id = "sh-conversation-style";
	style.textContent = support_hub.conversation.STYLE;
	document.head.appendChild(style);
};

// The conversation takes the wider column, the customer the narrower one beside it.
support_hub.conversation.shape_columns = function (frm) {
	support_hub.conversation.ensure_style();
	const section = frm.fields_dict.conversation_section;
	if (!section || !section.wrapper) return;
	const columns = $(section.wrapper).find(".section-body > .form-column");
	columns.eq(0).addClass("sh-conversation-column");
	columns.eq(1).addClass("sh-side-column");
};

support_hub.conversation.item_html = function (item) {
	const labels = {
		in: __("Customer"),
		out: __("Our reply"),
		note: __("Internal note"),
	};
	let label = item.first ? __("Description") : labels[item.direction] || "";
	if (item.kind === "auto") label = __("Automatic message");
	const medium = item.medium && item.direction !== "note" ? ` · ${esc_c(__(item.medium))}` : "";
	const files = (item.attachments || [])
		.map((f) => `<a href="${encodeURI(f.url)}" target="_blank" rel="noopener">${esc_c(f.name)}</a>`)
		.join(" · ");
	const kind = item.kind === "auto" ? "out auto" : item.direction;
	return `<div class="sh-msg ${kind}" data-kind="${esc_c(item.kind)}" data-direction="${esc_c(item.direction)}">
		<div class="sh-msg-head"><b>${esc_c(label)}${medium}</b><span>${esc_c(item.author)}</span>
		<span class="ml-auto">${esc_c(frappe.datetime.str_to_user(item.at) || "")}</span></div>
		<div class="sh-msg-body">${item.content || ""}</div>
		${files ? `<div class="small mt-1">${files}</div>` : ""}</div>`;
};

support_hub.conversation.reply_html = function (data) {
	const reply_label = {
		Telegram: __("Reply in Telegram"),
		Email: __("Reply by e-mail"),
	}[data.reply];
	const modes = [
		reply_label && data.can_reply ? `<option value="reply">${esc_c(reply_label)}</option>` : "",
		`<option value="note">${esc_c(__("Internal note"))}</option>`,
	].join("");
	return `<div class="sh-reply">
		<textarea class="form-control sh-reply-text" placeholder="${esc_c(__("Write a reply"))}"></textarea>
		<div class="sh-reply-bar">
			<select class="form-control input-xs sh-reply-mode" style="width: auto">${modes}</select>
			<button class="btn btn-primary btn-sm sh-reply-send">${esc_c(__("Send"))}</button>
			<span class="text-muted small">${esc_c(__("Ctrl+Enter sends"))}</span>
		</div></div>`;
};

// Field hints help whoever opens a ticket; on a ticket already open they only push the conversation down.
support_hub.conversation.HINTED_FIELDS = ["channel", "raised_by"];

support_hub.conversation.render = function (frm) {
	const field = frm.get_field("conversation");
	if (!field || frm.is_new()) return;
	support_hub.conversation.shape_columns(frm);
	for (const fieldname of support_hub.conversation.HINTED_FIELDS) {
		if (frm.fields_dict[fieldname]) frm.set_df_property(fieldname, "description", "");
	}
	const name = frm.doc.name;
	return frappe
		.call({ method: "support_hub.api.ticket.conversation", args: { ticket: name }, type: "GET" })
		.then(({ message }) => {
			if (frm.doc.name !== name || !message) return;
			// Connections (the claims) take room above the conversation only when there are some.
			if (!message.claims && frm.dashboard.links_area) frm.dashboard.links_area.hide();
			const items = message.items || [];
			const thread = items.length
				? items.map(support_hub.conversation.item_html).join("")
				: `<p class="text-muted">${__("No messages yet.")}</p>`;
			const $wrapper = field.$wrapper;
			const draft = $wrapper.find(".sh-reply-text").val() || "";
			$wrapper.html(`<div class="sh-thread">${thread}</div>${support_hub.conversation.reply_html(message)}`);
			const $thread = $wrapper.find(".sh-thread");
			$thread.scrollTop($thread[0].scrollHeight); // the latest message in sight
			const $text = $wrapper.find(".sh-reply-text").val(draft);
			const send = () => support_hub.conversation.send(frm, $wrapper);
			$wrapper.find(".sh-reply-send").on("click", send);
			$text.on("keydown", (e) => {
				if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
					e.preventDefault();
					e.stopPropagation(); // Ctrl+Enter here sends the reply, not the form
					send();
				}
			});
		});
};

support_hub.conversation.send = function (frm, $wrapper) {
	const $text = $wrapper.find(".sh-reply-text");
	const message = ($text.val() || "").trim();
	if (!message) {
		frappe.show_alert({ message: __("Write a message first."), indicator: "orange" });
		return;
	}
	const note = $wrapper.find(".sh-reply-mode").val() === "note";
	const $button = $wrapper.find(".sh-reply-send").prop("disabled", true);
	frappe
		.call({
			method: "support_hub.api.ticket.reply",
			args: { ticket: frm.doc.name, message, note: note ? 1 : 0 },
		})
		.then(({ message: sent }) => {
			$text.val("");
			const done = {
				note: __("Internal note added"),
				Telegram: __("Sent to the customer in Telegram"),
				Email: __("E-mail sent to the customer"),
			}[sent && sent.kind];
			frappe.show_alert({ message: done || __("Sent"), indicator: "green" });
			// The reply moves the SLA (first response): read the ticket again, which redraws the thread.
			frm.reload_doc();
		})
		.always(() => $button.prop("disabled", false));
};
