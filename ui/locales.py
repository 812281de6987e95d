"""The web pages' words in English, Russian and Kazakh: every label, status line and message of
the chat page (`CHAT`) and the admin page (`ADMIN`), in one table per surface, and dates as each
language writes them. (The widget keeps its own table in ui/static/widget.js.)

`ui.page_language` puts the pages' fixed labels in the interface language; what the server
writes (status lines, errors, dates) uses the same tables through `Words`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

LOCALES = ("en", "ru", "kk")
DEFAULT_LOCALE = "en"
LOCALE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

CHAT: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Ask about the press releases. Answers cite their paragraphs.",
        "chat": "Chat",
        "chat_placeholder": "Ask a question about the press releases.",
        "question_placeholder": "Your question (English, русский, қазақша)",
        "busy_placeholder": "Writing the answer… Ask your next question when it is done.",
        "ask": "Ask",
        "answering": "Answering…",
        "new_chat": "New chat",
        "earlier_chats": "Earlier chats",
        "filters": "Filters",
        "since": "Since",
        "until": "Until",
        "release_language": "Language of the releases",
        "any_language": "Any language",
        "interface_language": "Interface language",
        "browser_language": "As the browser",
        "examples": "Examples",
        "sources": "Sources",
        "searching": "Searching the releases…",
        "writing": "Writing the answer…",
        "searched_for": "Searched for: {question}",
        "since_date": "since {date}",
        "until_date": "until {date}",
        "in_language": "language: {language}",
        "no_sources": "No sources yet.",
        "no_answer": "No answer: {reason}",
        "model_unavailable": "The language model is not available: {detail}",
        "thanks": "Thanks, your feedback is recorded.",
        "type_question": "Type a question first.",
        "question_too_long": "The question is too long: at most {limit} characters.",
        "bad_date": "Date filter: cannot read “{value}”; write a date such as 2025-08-31.",
        "dates_reversed": "Date filter: the first date is after the last.",
        "too_many": "Too many questions: at most {limit} a minute. Try again in {seconds} s.",
        "untitled": "Untitled release",
        "paragraph": "paragraph {number}",
        "login": "Enter the access token as the password (any user name).",
    },
    "ru": {
        "intro": "Задайте вопрос о пресс-релизах. Ответы ссылаются на абзацы источников.",
        "chat": "Чат",
        "chat_placeholder": "Задайте вопрос о пресс-релизах.",
        "question_placeholder": "Ваш вопрос (English, русский, қазақша)",
        "busy_placeholder": "Пишу ответ… Следующий вопрос можно задать, когда он будет готов.",
        "ask": "Спросить",
        "answering": "Отвечаю…",
        "new_chat": "Новый чат",
        "earlier_chats": "Прежние чаты",
        "filters": "Фильтры",
        "since": "С даты",
        "until": "По дату",
        "release_language": "Язык релизов",
        "any_language": "Любой язык",
        "interface_language": "Язык интерфейса",
        "browser_language": "Как в браузере",
        "examples": "Примеры",
        "sources": "Источники",
        "searching": "Ищу в пресс-релизах…",
        "writing": "Пишу ответ…",
        "searched_for": "Искали: {question}",
        "since_date": "с {date}",
        "until_date": "по {date}",
        "in_language": "язык: {language}",
        "no_sources": "Источников пока нет.",
        "no_answer": "Нет ответа: {reason}",
        "model_unavailable": "Языковая модель недоступна: {detail}",
        "thanks": "Спасибо, ваш отзыв записан.",
        "type_question": "Сначала введите вопрос.",
        "question_too_long": "Вопрос слишком длинный: не более {limit} символов.",
        "bad_date": "Фильтр дат: не удалось прочитать «{value}»; укажите дату, "
        "например 2025-08-31.",
        "dates_reversed": "Фильтр дат: начальная дата позже конечной.",
        "too_many": "Слишком много вопросов: не более {limit} в минуту. "
        "Попробуйте снова через {seconds} с.",
        "untitled": "Релиз без названия",
        "paragraph": "абзац {number}",
        "login": "Введите токен доступа как пароль (имя пользователя любое).",
    },
    "kk": {
        "intro": "Баспасөз релиздері туралы сұрақ қойыңыз. Жауаптар дереккөз абзацтарына "
        "сілтеме береді.",
        "chat": "Чат",
        "chat_placeholder": "Баспасөз релиздері туралы сұрақ қойыңыз.",
        "question_placeholder": "Сұрағыңыз (English, русский, қазақша)",
        "busy_placeholder": "Жауап жазылуда… Келесі сұрақты жауап дайын болғанда қойыңыз.",
        "ask": "Сұрау",
        "answering": "Жауап берілуде…",
        "new_chat": "Жаңа чат",
        "earlier_chats": "Бұрынғы чаттар",
        "filters": "Сүзгілер",
        "since": "Басталу күні",
        "until": "Аяқталу күні",
        "release_language": "Релиздер тілі",
        "any_language": "Кез келген тіл",
        "interface_language": "Интерфейс тілі",
        "browser_language": "Браузердегідей",
        "examples": "Мысалдар",
        "sources": "Дереккөздер",
        "searching": "Баспасөз релиздерінен ізделуде…",
        "writing": "Жауап жазылуда…",
        "searched_for": "Іздеу сұрауы: {question}",
        "since_date": "{date} бастап",
        "until_date": "{date} дейін",
        "in_language": "тілі: {language}",
        "no_sources": "Әзірге дереккөз жоқ.",
        "no_answer": "Жауап жоқ: {reason}",
        "model_unavailable": "Тіл моделі қолжетімсіз: {detail}",
        "thanks": "Рақмет, пікіріңіз жазылды.",
        "type_question": "Алдымен сұрақты жазыңыз.",
        "question_too_long": "Сұрақ тым ұзын: ең көбі {limit} таңба.",
        "bad_date": "Күн сүзгісі: «{value}» оқылмады; күнді мысалы 2025-08-31 түрінде жазыңыз.",
        "dates_reversed": "Күн сүзгісі: басталу күні аяқталу күнінен кейін тұр.",
        "too_many": "Сұрақ тым көп: минутына ең көбі {limit}. {seconds} секундтан кейін "
        "қайталап көріңіз.",
        "untitled": "Атаусыз релиз",
        "paragraph": "{number}-абзац",
        "login": "Құпиясөз ретінде қол жеткізу токенін енгізіңіз (пайдаланушы аты кез келген).",
    },
}

ADMIN: dict[str, dict[str, str]] = {
    "en": {
        "sync_now": "Sync web sources now",
        "sources": "Web sources (PRESSCHAT_SOURCES)",
        "no_sources": "No web sources are configured: set PRESSCHAT_SOURCES.",
        "column_url": "source",
        "column_last_sync": "last sync",
        "column_last_result": "result",
        "title": "presschat admin",
        "ingest_tab": "Ingest",
        "release_files": "Release files",
        "ingest_uploads": "Ingest uploaded files",
        "reingest": "Re-ingest configured folders",
        "summary": "Summary",
        "releases_tab": "Releases",
        "search_releases": "Search titles and ids",
        "list": "List",
        "delete_id": "Release id to delete",
        "delete": "Delete release",
        "statistics_tab": "Statistics",
        "refresh": "Refresh",
        "store": "Store",
        "embedding": "Embedding paragraphs",
        "choose_files": "Choose one or more release files first.",
        "no_folders": "No folders are configured: set PRESSCHAT_INGEST_PATHS.",
        "enter_id": "Enter the id of the release to delete.",
        "no_release": "No release with id {release_id}.",
        "deleted": "Deleted {release_id} ({count} paragraphs).",
        "report": "added {added}, updated {updated}, unchanged {unchanged}, removed {removed}, "
        "failed {failed} — {files} files, {embedded} paragraphs embedded in {seconds} s",
        "failed_item": "failed: {where}: {reason}",
        "login": "Password: the admin token (PRESSCHAT_ADMIN_TOKEN); any user name.",
        "column_id": "id",
        "column_date": "date",
        "column_language": "language",
        "column_paragraphs": "paragraphs",
        "column_title": "title",
        "column_source": "source file",
        "interface_language": "Interface language",
        "browser_language": "As the browser",
    },
    "ru": {
        "sync_now": "Синхронизировать веб-источники",
        "sources": "Веб-источники (PRESSCHAT_SOURCES)",
        "no_sources": "Веб-источники не заданы: задайте PRESSCHAT_SOURCES.",
        "column_url": "источник",
        "column_last_sync": "последняя синхронизация",
        "column_last_result": "результат",
        "title": "presschat: администрирование",
        "ingest_tab": "Загрузка",
        "release_files": "Файлы релизов",
        "ingest_uploads": "Загрузить выбранные файлы",
        "reingest": "Перезагрузить настроенные папки",
        "summary": "Итоги",
        "releases_tab": "Релизы",
        "search_releases": "Поиск по названиям и идентификаторам",
        "list": "Показать",
        "delete_id": "Идентификатор релиза для удаления",
        "delete": "Удалить релиз",
        "statistics_tab": "Статистика",
        "refresh": "Обновить",
        "store": "Хранилище",
        "embedding": "Векторизация абзацев",
        "choose_files": "Сначала выберите один или несколько файлов релизов.",
        "no_folders": "Папки не настроены: задайте PRESSCHAT_INGEST_PATHS.",
        "enter_id": "Введите идентификатор релиза, который нужно удалить.",
        "no_release": "Релиза с идентификатором {release_id} нет.",
        "deleted": "Релиз {release_id} удалён ({count} абзацев).",
        "report": "добавлено {added}, обновлено {updated}, без изменений {unchanged}, "
        "удалено {removed}, с ошибкой {failed} — файлов: {files}, векторизовано абзацев: "
        "{embedded} за {seconds} с",
        "failed_item": "ошибка: {where}: {reason}",
        "login": "Пароль — токен администратора (PRESSCHAT_ADMIN_TOKEN); имя пользователя любое.",
        "column_id": "идентификатор",
        "column_date": "дата",
        "column_language": "язык",
        "column_paragraphs": "абзацы",
        "column_title": "название",
        "column_source": "исходный файл",
        "interface_language": "Язык интерфейса",
        "browser_language": "Как в браузере",
    },
    "kk": {
        "sync_now": "Веб-көздерді қазір синхрондау",
        "sources": "Веб-көздер (PRESSCHAT_SOURCES)",
        "no_sources": "Веб-көздер бапталмаған: PRESSCHAT_SOURCES орнатыңыз.",
        "column_url": "көз",
        "column_last_sync": "соңғы синхрондау",
        "column_last_result": "нәтиже",
        "title": "presschat: әкімшілік",
        "ingest_tab": "Жүктеу",
        "release_files": "Релиз файлдары",
        "ingest_uploads": "Таңдалған файлдарды жүктеу",
        "reingest": "Бапталған қалталарды қайта жүктеу",
        "summary": "Қорытынды",
        "releases_tab": "Релиздер",
        "search_releases": "Атаулар мен идентификаторлар бойынша іздеу",
        "list": "Көрсету",
        "delete_id": "Жойылатын релиздің идентификаторы",
        "delete": "Релизді жою",
        "statistics_tab": "Статистика",
        "refresh": "Жаңарту",
        "store": "Қойма",
        "embedding": "Абзацтар векторлануда",
        "choose_files": "Алдымен бір немесе бірнеше релиз файлын таңдаңыз.",
        "no_folders": "Қалталар бапталмаған: PRESSCHAT_INGEST_PATHS мәнін орнатыңыз.",
        "enter_id": "Жойылатын релиздің идентификаторын енгізіңіз.",
        "no_release": "{release_id} идентификаторы бар релиз жоқ.",
        "deleted": "{release_id} релизі жойылды ({count} абзац).",
        "report": "қосылды {added}, жаңартылды {updated}, өзгермеді {unchanged}, жойылды "
        "{removed}, қате {failed} — {files} файл, {embedded} абзац {seconds} с ішінде "
        "векторланды",
        "failed_item": "қате: {where}: {reason}",
        "login": "Құпиясөз — әкімші токені (PRESSCHAT_ADMIN_TOKEN); пайдаланушы аты кез келген.",
        "column_id": "идентификатор",
        "column_date": "күні",
        "column_language": "тілі",
        "column_paragraphs": "абзацтар",
        "column_title": "атауы",
        "column_source": "бастапқы файл",
        "interface_language": "Интерфейс тілі",
        "browser_language": "Браузердегідей",
    },
}

_MONTHS = {
    "en": "January February March April May June July August September October November "  # noqa: SIM905
    "December".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "  # noqa: SIM905
    "декабря".split(),
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша "  # noqa: SIM905
    "желтоқсан".split(),
}


def pick_locale(preferred: str | None) -> str:
    """The interface language for a browser's language list (navigator.language or an
    Accept-Language header such as "kk-KZ,kk;q=0.9,ru;q=0.8"): the first of en, ru, kk it
    names (kz counts as kk), else English."""
    for part in (preferred or "").split(","):
        code = re.split(r"[-_;]", part.strip().lower(), maxsplit=1)[0]
        code = "kk" if code == "kz" else code
        if code in LOCALES:
            return code
    return DEFAULT_LOCALE


def format_date(value: str | dt.date | None, locale: str) -> str:
    """A date as the interface language writes it: 31 August 2025, 31 августа 2025 г.,
    2025 ж. 31 тамыз. Text that is not an ISO date is returned as it is."""
    if value is None or value == "":
        return ""
    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    month = _MONTHS[locale if locale in _MONTHS else DEFAULT_LOCALE][date.month - 1]
    if locale == "ru":
        return f"{date.day} {month} {date.year} г."
    if locale == "kk":
        return f"{date.year} ж. {date.day} {month}"
    return f"{date.day} {month} {date.year}"


@dataclass(frozen=True)
class Words:
    """One surface's words in one language: `words("key", name=value)`."""

    table: Mapping[str, Mapping[str, str]]
    locale: str = DEFAULT_LOCALE

    def __call__(self, key: str, **values: object) -> str:
        """The text for `key`, with its {placeholders} filled."""
        text = self.table.get(self.locale, self.table[DEFAULT_LOCALE]).get(key)
        if text is None:
            text = self.table[DEFAULT_LOCALE][key]
        return text.format(**values) if values else text

    def date(self, value: str | dt.date | None) -> str:
        """A date in this language."""
        return format_date(value, self.locale)


def chat_words(locale: str | None) -> Words:
    """The chat page's words in the language a browser asked for."""
    return Words(CHAT, pick_locale(locale))


def admin_words(locale: str | None) -> Words:
    """The admin page's words in the language a browser asked for."""
    return Words(ADMIN, pick_locale(locale))
