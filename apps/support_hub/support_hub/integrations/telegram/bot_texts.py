"""Everything the customer bot says, one dictionary per language.

Texts are Telegram HTML: the flow escapes values before it puts them in. Both languages have the same
keys (a test checks). A key missing in one language is a bug, not a fallback.
"""

from __future__ import annotations

RU: dict[str, str] = {
    "register_prompt": "👋 Здравствуйте! Это бот службы поддержки.\n\n"
    "Чтобы начать, нажмите кнопку «📱 Войти по номеру телефона» под полем ввода — мы найдём вас по номеру. "
    "Или отправьте ваш <b>ID аккаунта</b>. {hint}",
    "btn_share_phone": "📱 Войти по номеру телефона",
    "contact_not_yours": "❌ Войти можно только по своему номеру, а это чужой контакт. Нажмите кнопку "
    "«📱 Войти по номеру телефона» — Telegram отправит ваш номер. Или отправьте <b>ID аккаунта</b>. {hint}",
    "contact_not_yours_signed_in": "❌ Это чужой контакт: аккаунты подключаются только по своему номеру.",
    "unknown_phone": "❌ Номер {phone} не найден среди наших клиентов. Отправьте, пожалуйста, ваш "
    "<b>ID аккаунта</b>. {hint}",
    "unknown_phone_signed_in": "❌ Номер {phone} не найден среди наших клиентов.",
    "account_hint": "Его можно найти в личном кабинете в разделе «Профиль» или в договоре.",
    "sign_in_help": "👋 Здравствуйте! Чтобы написать в поддержку, сначала войдите: нажмите кнопку "
    "«📱 Войти по номеру телефона» или отправьте одним сообщением только ваш <b>ID аккаунта</b> — короткий код, "
    "обычно с цифрами. {hint}",
    "unknown_account": "❌ ID аккаунта <code>{account}</code> не найден. Проверьте его и отправьте ещё раз.\n{hint}",
    "registered": "✅ Готово! Аккаунт <code>{account}</code> ({customer}) подключён.\n\nЧем можем помочь?",
    "account_added": "✅ Аккаунт <code>{account}</code> ({customer}) добавлен и выбран активным.",
    "account_exists": "Аккаунт <code>{account}</code> уже подключён — он выбран активным.",
    "add_account_prompt": "Отправьте ID аккаунта, который нужно добавить. {hint}",
    "logged_out": "Вы вышли из всех аккаунтов. Чтобы снова пользоваться ботом, отправьте ID аккаунта. {hint}",
    "welcome_back": "С возвращением! Активный аккаунт: <code>{account}</code>.",
    "menu": "Выберите действие:",
    "help": "Команды: /new — новая заявка, /my — мои заявки и их статусы, /menu — меню.\n"
    "Все сообщения, кроме команд, попадают в открытую заявку.\n\nВыберите действие:",
    "unknown_command": "Такой команды нет. Команды: /new — новая заявка, /my — мои заявки, /help — помощь.\n\n"
    "Выберите действие:",
    "no_open_ticket": "У вас нет открытой заявки. Чтобы написать в поддержку, создайте заявку.",
    "no_tickets": "Активных заявок нет.",
    "choose_topic": "Выберите тему обращения:",
    "choose_topic_first": "Сначала выберите тему кнопкой ниже.",
    "describe": "Тема: <b>{topic}</b>.\nОпишите проблему — можно приложить скриншоты, файлы и голосовые сообщения.",
    "describe_no_topic": "Опишите проблему — можно приложить скриншоты, файлы и голосовые сообщения.",
    "choose_order": "Обращение по заказу? Выберите его или нажмите «Не по заказу»:",
    "btn_no_order": "Не по заказу",
    "order_button": "Заказ № {order}",
    "order_button_date": " от {day}",
    "describe_order": "Заказ <b>№ {order}</b>.\nОпишите проблему — можно приложить фото, файлы и голосовые сообщения.",
    "ticket_created": "✅ Заявка <b>№ {ticket}</b> создана. Все следующие сообщения в этом чате попадут в неё, "
    "пока она открыта.",
    "added": "Добавлено в заявку № {ticket}.",
    "thanks_resolved": "🙏 Рады помочь! Заявка № {ticket} остаётся решённой. Если вопрос не решён, просто напишите, "
    "что не так.",
    "ticket_created_after": "✅ Заявка № {old} уже решена, поэтому по новому вопросу создана заявка <b>№ {ticket}</b>. "
    "Все следующие сообщения в этом чате попадут в неё, пока она открыта.",
    "edit_saved": "✏️ Исправление добавлено в заявку № {ticket}.",
    "unsupported": "Такие сообщения не поддерживаются: отправьте текст, фото, файл или голосовое сообщение.",
    "file_too_large": "⚠️ Файл «{name}» слишком большой ({size} МБ): бот принимает файлы до {limit} МБ. "
    "Отправьте файл поменьше или ссылку на него.",
    "kind_photo": "фото",
    "kind_document": "документ",
    "kind_voice": "голосовое сообщение",
    "kind_audio": "аудио",
    "kind_video": "видео",
    "kind_video_note": "видеосообщение",
    "tickets_header": "Ваши активные заявки:",
    "ticket_line": "• <b>№ {ticket}</b> — {subject} — {status}",
    "current_mark": " ✏️",
    "profile": "👤 <b>Профиль</b>\nID аккаунтов:\n{accounts}\nЯзык: русский",
    "account_line": "• <code>{account}</code>",
    "account_line_active": "• <code>{account}</code> — активный",
    "switched": "Активный аккаунт: <code>{account}</code>.",
    "removed": "Аккаунт <code>{account}</code> удалён.",
    "stale_button": "Эта кнопка уже неактуальна.",
    "rate_prompt": "Заявка <b>№ {ticket}</b> решена. Оцените, пожалуйста, работу поддержки:",
    "rating_saved": "Спасибо за оценку {emoji}! Если хотите, напишите комментарий следующим сообщением.",
    "comment_saved": "Спасибо! Комментарий сохранён.",
    "already_rated": "Эта заявка уже оценена. Спасибо!",
    "thanks": "Спасибо!",
    "btn_create": "📝 Новая заявка",
    "btn_tickets": "📋 Мои заявки",
    "btn_profile": "👤 Профиль",
    "btn_use": "Выбрать {account}",
    "btn_remove": "✖ Удалить {account}",
    "btn_add": "➕ Добавить ID аккаунта",
    "btn_other_lang": "🌐 English",
    "btn_logout": "🚪 Выйти",
    "btn_menu": "⬅️ Меню",
    "btn_skip": "Пропустить",
    "cmd_new": "Новая заявка",
    "cmd_my": "Мои заявки",
    "cmd_status": "Статусы моих заявок",
    "cmd_help": "Помощь и меню",
    # Ticket statuses as the customer reads them ("status_" + the Ticket's status option).
    "status_Open": "открыта",
    "status_In Progress": "в работе",
    "status_Waiting for Customer": "ждёт вашего ответа",
    "status_Postponed": "отложена",
    "status_In Development": "в разработке",
    "status_Solution Proposed": "предложено решение",
    "status_Resolved": "решена",
    "status_Closed": "закрыта",
}

EN: dict[str, str] = {
    "register_prompt": "👋 Hello! This is the support bot.\n\nTo begin, tap “📱 Sign in with my phone number” "
    "below the input field — we will find you by your number. Or send your <b>account ID</b>. {hint}",
    "btn_share_phone": "📱 Sign in with my phone number",
    "contact_not_yours": "❌ You can sign in only with your own number, and this is someone else's contact. Tap "
    "“📱 Sign in with my phone number” — Telegram will send your number. Or send your <b>account ID</b>. {hint}",
    "contact_not_yours_signed_in": "❌ This is someone else's contact: accounts are added only by your own number.",
    "unknown_phone": "❌ The number {phone} is not among our customers. Please send your <b>account ID</b>. {hint}",
    "unknown_phone_signed_in": "❌ The number {phone} is not among our customers.",
    "account_hint": "You can find it in your customer portal under “Profile”, or in your contract.",
    "sign_in_help": "👋 Hello! To write to support, please sign in first: tap “📱 Sign in with my phone number” "
    "or send just your <b>account ID</b> in one message — a short code, usually with digits. {hint}",
    "unknown_account": "❌ Account ID <code>{account}</code> was not found. Please check it and send it again.\n"
    "{hint}",
    "registered": "✅ Done! Account <code>{account}</code> ({customer}) is connected.\n\nHow can we help?",
    "account_added": "✅ Account <code>{account}</code> ({customer}) is added and now active.",
    "account_exists": "Account <code>{account}</code> is already connected — it is now active.",
    "add_account_prompt": "Send the account ID to add. {hint}",
    "logged_out": "You are logged out of all accounts. To use the bot again, send an account ID. {hint}",
    "welcome_back": "Welcome back! Active account: <code>{account}</code>.",
    "menu": "Choose an action:",
    "help": "Commands: /new — a new ticket, /my — my tickets and their statuses, /menu — the menu.\n"
    "Every message except commands goes into your open ticket.\n\nChoose an action:",
    "unknown_command": "There is no such command. Commands: /new — a new ticket, /my — my tickets, "
    "/help — help.\n\nChoose an action:",
    "no_open_ticket": "You have no open ticket. To write to support, create a ticket.",
    "no_tickets": "You have no active tickets.",
    "choose_topic": "Choose the topic of your request:",
    "choose_topic_first": "Please choose a topic with the buttons below first.",
    "describe": "Topic: <b>{topic}</b>.\nDescribe the problem — screenshots, files and voice messages are welcome.",
    "describe_no_topic": "Describe the problem — screenshots, files and voice messages are welcome.",
    "choose_order": "Is it about an order? Pick it, or tap “Not about an order”:",
    "btn_no_order": "Not about an order",
    "order_button": "Order No. {order}",
    "order_button_date": " of {day}",
    "describe_order": "Order <b>No. {order}</b>.\nDescribe the problem — photos, files and voice messages are welcome.",
    "ticket_created": "✅ Ticket <b>#{ticket}</b> is created. Every further message in this chat goes into it "
    "while it is open.",
    "added": "Added to ticket #{ticket}.",
    "thanks_resolved": "🙏 Glad to help! Ticket #{ticket} stays resolved. If the problem is not solved, just write "
    "what is wrong.",
    "ticket_created_after": "✅ Ticket #{old} is resolved already, so your new question is ticket <b>#{ticket}</b>. "
    "Every further message in this chat goes into it while it is open.",
    "edit_saved": "✏️ Your edit is added to ticket #{ticket}.",
    "unsupported": "This kind of message is not supported: send text, a photo, a file or a voice message.",
    "file_too_large": "⚠️ The file “{name}” is too large ({size} MB): the bot accepts files up to {limit} MB. "
    "Please send a smaller file or a link to it.",
    "kind_photo": "photo",
    "kind_document": "document",
    "kind_voice": "voice message",
    "kind_audio": "audio",
    "kind_video": "video",
    "kind_video_note": "video message",
    "tickets_header": "Your active tickets:",
    "ticket_line": "• <b>#{ticket}</b> — {subject} — {status}",
    "current_mark": " ✏️",
    "profile": "👤 <b>Profile</b>\nAccount IDs:\n{accounts}\nLanguage: English",
    "account_line": "• <code>{account}</code>",
    "account_line_active": "• <code>{account}</code> — active",
    "switched": "Active account: <code>{account}</code>.",
    "removed": "Account <code>{account}</code> is removed.",
    "stale_button": "This button is out of date.",
    "rate_prompt": "Ticket <b>#{ticket}</b> is resolved. Please rate our support:",
    "rating_saved": "Thank you for your rating {emoji}! If you like, send a comment as your next message.",
    "comment_saved": "Thank you! Your comment is saved.",
    "already_rated": "This ticket has been rated already. Thank you!",
    "thanks": "Thank you!",
    "btn_create": "📝 New ticket",
    "btn_tickets": "📋 My tickets",
    "btn_profile": "👤 Profile",
    "btn_use": "Use {account}",
    "btn_remove": "✖ Remove {account}",
    "btn_add": "➕ Add account ID",
    "btn_other_lang": "🌐 Русский",
    "btn_logout": "🚪 Log out",
    "btn_menu": "⬅️ Menu",
    "btn_skip": "Skip",
    "cmd_new": "New ticket",
    "cmd_my": "My tickets",
    "cmd_status": "Status of my tickets",
    "cmd_help": "Help and menu",
    "status_Open": "open",
    "status_In Progress": "in progress",
    "status_Waiting for Customer": "waiting for your reply",
    "status_Postponed": "postponed",
    "status_In Development": "in development",
    "status_Solution Proposed": "solution proposed",
    "status_Resolved": "resolved",
    "status_Closed": "closed",
}

TEXTS: dict[str, dict[str, str]] = {"ru": RU, "en": EN}
