"""The words the theme prints around the journalism, in each language the newsroom publishes in.

A page in Persian gets Persian labels; a language without a table here falls back to English.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "by": "By", "and": "and", "published": "Published", "updated": "Updated",
        "share": "Share this article", "about_us": "About us", "subscribe": "Subscribe for latest updates",
        "subscribe_lead": "The day's most important stories, in your inbox.",
        "email": "Email address", "subscribe_button": "Subscribe", "corrections": "Corrections",
        "skip": "Skip to content", "photo": "Photo", "more_in": "More in", "latest": "Latest",
        "sections": "Sections", "authors": "Authors", "tags": "Tags", "archives": "Archives",
        "read_more": "Read more", "articles_by": "Articles by", "page": "Page",
        "newer": "Newer", "older": "Older", "not_found": "Page not found",
        "not_found_lead": "The page you asked for is not here. It may have moved, or the address may be mistyped.",
        "home": "Front page", "follow": "Follow", "also_in": "Read in",
        "expired": "This article is no longer current. It was taken off our front page, feeds and search on",
        "editions": "Digest editions", "view_online": "View in your browser", "daily": "Daily", "weekly": "Weekly", "menu": "Main menu",
        # the subscription service's pages and emails
        "confirm_subject": "Confirm your subscription to {site}",
        "confirm_lead": "Someone, we hope you, asked to receive {site} by email at this address. "
                        "Follow the link to start; if it was not you, ignore this message and nothing happens.",
        "confirm_action": "Confirm my subscription", "confirm_note": "The link works for {hours} hours.",
        "known_subject": "Your subscription to {site}",
        "known_lead": "Someone asked to subscribe this address, which already receives {site}. "
                      "Nothing has changed. To change what you receive, or to stop, follow the link.",
        "manage_action": "Manage my subscription",
        "inbox_heading": "Check your inbox",
        "inbox_lead": "If the address can receive mail, a message is on its way with a link to confirm. "
                      "Nothing is sent until you follow it.",
        "confirmed_heading": "You are subscribed",
        "confirmed_lead": "Your first digest comes with the next edition.",
        "invalid_heading": "This link does not work",
        "invalid_lead": "The link is incomplete or was changed. Copy the whole link from the email, or subscribe again on the site.",
        "expired_lead": "This confirmation link has expired. Subscribe again on the site for a new one.",
        "used_lead": "This confirmation link was already used or replaced by a newer one. If you followed it, you are subscribed.",
        "gone_lead": "This subscription no longer exists.",
        "unsubscribe_heading": "Unsubscribe", "unsubscribe_lead": "Stop sending {site} to {email}?",
        "unsubscribe_button": "Unsubscribe", "unsubscribed_heading": "You are unsubscribed",
        "unsubscribed_lead": "{email} will receive no more digests. Changed your mind? Subscribe again on the site.",
        "preferences_heading": "Your subscription", "preferences_saved": "Saved. The next digest follows these choices.",
        "frequency": "How often", "everything": "Everything", "any_language": "Every language",
        "language": "Language", "save": "Save", "name": "Name (optional)",
        "too_many": "Too many requests. Try again in a few minutes.",
        "busy": "We cannot take requests just now. Please try again in a minute.",
        "server_error": "Something went wrong on our side. Please try again later.",
        "form_problem": "Please check the form",
    },
    "fa": {
        "by": "نوشتهٔ", "and": "و", "published": "منتشرشده", "updated": "به‌روزشده",
        "share": "هم‌رسانی این مطلب", "about_us": "دربارهٔ ما", "subscribe": "برای تازه‌ترین خبرها مشترک شوید",
        "subscribe_lead": "مهم‌ترین خبرهای روز در صندوق نامهٔ شما.",
        "email": "نشانی ایمیل", "subscribe_button": "اشتراک", "corrections": "اصلاحیه‌ها",
        "skip": "رفتن به متن", "photo": "عکس", "more_in": "بیشتر در", "latest": "تازه‌ها",
        "sections": "بخش‌ها", "authors": "نویسندگان", "tags": "برچسب‌ها", "archives": "بایگانی",
        "read_more": "ادامه", "articles_by": "مطالب", "page": "صفحه",
        "newer": "جدیدتر", "older": "قدیمی‌تر", "not_found": "صفحه پیدا نشد",
        "not_found_lead": "صفحه‌ای که خواستید اینجا نیست؛ شاید جابه‌جا شده یا نشانی اشتباه است.",
        "home": "صفحهٔ نخست", "follow": "دنبال کنید", "also_in": "بخوانید به",
        "editions": "شماره‌های خبرنامه", "view_online": "مشاهده در مرورگر", "daily": "روزانه", "weekly": "هفتگی", "menu": "فهرست اصلی",
    },
    "ar": {
        "by": "بقلم", "and": "و", "published": "نُشر", "updated": "حُدّث",
        "share": "شارك المقال", "about_us": "من نحن", "subscribe": "اشترك لتصلك آخر الأخبار",
        "subscribe_lead": "أهم أخبار اليوم في بريدك.",
        "email": "البريد الإلكتروني", "subscribe_button": "اشترك", "corrections": "تصحيحات",
        "skip": "انتقل إلى المحتوى", "photo": "صورة", "more_in": "المزيد في", "latest": "الأحدث",
        "sections": "الأقسام", "authors": "الكتّاب", "tags": "الوسوم", "archives": "الأرشيف",
        "read_more": "اقرأ المزيد", "articles_by": "مقالات", "page": "صفحة",
        "newer": "الأحدث", "older": "الأقدم", "not_found": "الصفحة غير موجودة",
        "not_found_lead": "الصفحة التي طلبتها غير موجودة؛ ربما نُقلت أو أن العنوان غير صحيح.",
        "home": "الصفحة الرئيسية", "follow": "تابعنا", "also_in": "اقرأ بـ",
        "editions": "أعداد النشرة", "view_online": "اعرضها في المتصفح", "daily": "يومية", "weekly": "أسبوعية", "menu": "القائمة الرئيسية",
    },
    "ur": {
        "by": "از", "and": "اور", "published": "شائع", "updated": "تازہ کاری",
        "share": "یہ مضمون شیئر کریں", "about_us": "ہمارے بارے میں", "subscribe": "تازہ ترین خبروں کے لیے سبسکرائب کریں",
        "subscribe_lead": "دن کی اہم ترین خبریں، آپ کے ان باکس میں۔",
        "email": "ای میل پتہ", "subscribe_button": "سبسکرائب", "corrections": "تصحیحات",
        "skip": "مواد پر جائیں", "photo": "تصویر", "more_in": "مزید", "latest": "تازہ ترین",
        "sections": "حصے", "authors": "مصنفین", "tags": "ٹیگ", "archives": "آرکائیو",
        "read_more": "مزید پڑھیں", "articles_by": "مضامین از", "page": "صفحہ",
        "newer": "نئے", "older": "پرانے", "not_found": "صفحہ نہیں ملا",
        "not_found_lead": "آپ کا مطلوبہ صفحہ یہاں نہیں ہے؛ شاید منتقل ہو گیا ہے یا پتہ غلط ہے۔",
        "home": "سرورق", "follow": "فالو کریں", "also_in": "پڑھیں بزبان",
        "editions": "نیوز لیٹر کے شمارے", "view_online": "براؤزر میں دیکھیں", "daily": "روزانہ", "weekly": "ہفتہ وار", "menu": "مرکزی فہرست",
    },
}


def label(key: str, lang: str = "en") -> str:
    """The label in the page's language, else in English; an unknown key is a theme bug."""
    table = LABELS.get(lang.split("-")[0].lower(), LABELS["en"])
    return table.get(key) or LABELS["en"][key]
