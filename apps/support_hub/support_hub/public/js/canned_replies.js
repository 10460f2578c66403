// Canned replies on the Ticket form: Frappe's Email Template, per team, found by words in any form and
// filled in by the server with the ticket's and customer's fields (support_hub.canned_replies).
// Two ways in: the e-mail composer's own Email Template field (pointed at the ticket's team's templates,
// its "Add Template" buttons fill them in with the customer's fields), and a "Canned Reply" button that
// puts the filled-in text into the reply box the agent answers in Telegram (or opens that reply).
frappe.provide("support_hub.canned_replies");

const CANNED = "support_hub.api.canned_replies";

support_hub.canned_replies.query = function (ticket) {
	return { query: `${CANNED}.template_query`, filters: { ticket } };
};

support_hub.canned_replies.render = function (ticket, template) {
	return frappe
		.call({ method: `${CANNED}.render`, args: { ticket, template } })
		.then(({ message }) => message);
};

// Ask for a template (searched as the agent types) and resolve with it filled in: {subject, message, text}.
support_hub.canned_replies.choose = function (frm) {
	return new Promise((resolve) => {
		const dialog = new frappe.ui.Dialog({
			title: __("Canned Reply"),
			fields: [
				{
					fieldname: "template",
					fieldtype: "Link",
					options: "Email Template",
					label: __("Canned Reply"),
					reqd: 1,
					description: __("Type words in any form; the ticket's team's replies and the shared ones are offered"),
					get_query: () => support_hub.canned_replies.query(frm.doc.name),
				},
			],
			primary_action_label: __("Insert"),
			primary_action({ template }) {
				support_hub.canned_replies.render(frm.doc.name, template).then((reply) => {
					dialog.hide();
					resolve(reply);
				});
			},
		});
		dialog.show();
	});
};

// Put the text where the agent writes the answer: the conversation's reply box when the form has one,
// otherwise the "Reply in Telegram" prompt (Telegram tickets) or the e-mail composer.
support_hub.canned_replies.fill = function (frm, reply) {
	const field = frm.get_field("conversation");
	const $box = field && field.$wrapper ? field.$wrapper.find(".sh-reply-text") : $();
	if ($box.length) {
		const box = $box[0];
		const at = box.selectionStart == null ? box.value.length : box.selectionStart;
		box.value = box.value.slice(0, at) + reply.text + box.value.slice(box.selectionEnd || at);
		box.focus();
		return;
	}
	if (frm.doc.channel === "Telegram" && frm.doc.telegram_chat_id) {
		const dialog = frappe.prompt(
			[{ fieldname: "message", fieldtype: "Small Text", label: __("Reply"), reqd: 1, default: reply.text }],
			({ message }) =>
				frappe.call("support_hub.api.telegram.reply", { ticket: frm.doc.name, message }).then(() => {
					frappe.show_alert({ message: __("Sent to the customer in Telegram"), indicator: "green" });
					frm.reload_doc();
				}),
			__("Reply in Telegram")
		);
		dialog.set_value("message", reply.text);
		return;
	}
	new frappe.views.CommunicationComposer({
		frm,
		doc: frm.doc,
		subject: reply.subject,
		message: reply.message,
		recipients: frm.doc.raised_by && frm.doc.raised_by.includes("@") ? frm.doc.raised_by : "",
	});
};

// The composer's Email Template field on a ticket: the team's templates, filled in by support_hub.
support_hub.canned_replies.setup_composer = function (composer) {
	const fields = composer.dialog.fields_dict;
	const ticket = composer.frm.doc.name;
	fields.email_template.get_query = () => support_hub.canned_replies.query(ticket);
	fields.email_template.df.get_query = fields.email_template.get_query;
	const add = (clear) => {
		const template = fields.email_template.get_value();
		if (!template) return;
		support_hub.canned_replies.render(ticket, template).then((reply) => {
			const content = clear ? "" : fields.content.get_value() || "";
			fields.content.set_value(`${reply.message}<br>${content}`);
			fields.subject.set_value(reply.subject);
		});
	};
	frappe.utils.add_select_group_button($(fields.clear_and_add_template.wrapper), [
		{ label: __("Add Template"), description: __("Prepend the template to the email message"), action: () => add(false) },
		{
			label: __("Clear & Add Template"),
			description: __("Clear the email message and add the template"),
			action: () => add(true),
		},
	]);
};

support_hub.canned_replies.patch_composer = function () {
	const Base = frappe.views && frappe.views.CommunicationComposer;
	if (!Base || Base.support_hub_canned) return;
	const Composer = class extends Base {
		setup_email_template() {
			if (this.frm && this.frm.doctype === "Ticket" && !this.frm.is_new()) {
				return support_hub.canned_replies.setup_composer(this);
			}
			return super.setup_email_template();
		}
	};
	Composer.support_hub_canned = true;
	frappe.views.CommunicationComposer = Composer;
};
support_hub.canned_replies.patch_composer();

frappe.ui.form.on("Ticket", {
	refresh(frm) {
		support_hub.canned_replies.patch_composer();
		if (frm.is_new() || !frm.perm[0] || !frm.perm[0].write) return;
		frm.add_custom_button(__("Canned Reply"), () =>
			support_hub.canned_replies.choose(frm).then((reply) => support_hub.canned_replies.fill(frm, reply))
		);
	},
});
