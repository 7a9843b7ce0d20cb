// SPDX-License-Identifier: MIT
//
// headerdocs: turns the documentation comments of a header into a source file
// QDoc can read.
//
// Our headers document each declaration where it is declared (a /*! */ block
// or //! lines above it, //!< after an enum value), which keeps the promise
// next to the signature. QDoc reads comments only from source files and ties
// one without a topic command only to a function *definition* that follows.
// This tool writes, for one header, a file of comments only: each comment that
// has a topic command (\class, \qmltype, \macro, ...) is copied as it is, and
// each one that has none gets the topic of the declaration that follows it:
//
//   function          \fn with the qualified signature
//   READ accessor     \property (or \qmlproperty in a QML type)
//   signal, invokable \qmlsignal, \qmlmethod in a QML type
//   enum              \enum, with a \value for each //!< comment
//   #define           \macro
//
// Comments marked \internal, in a namespace called detail, or on private
// members are left out. Each comment is written at the line it has in the
// header, so a QDoc warning's line number is the header's.
//
// Usage: headerdocs <module> <header> <output.cpp>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QRegularExpression>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTextStream>

#include <algorithm>
#include <climits>
#include <cstdio>

namespace {

const QRegularExpression topicCommand(QStringLiteral(
        R"(\\(class|struct|fn|property|enum|macro|namespace|page|headerfile|typedef|variable|)"
        R"(qmltype|qmlproperty|qmlsignal|qmlmethod|qmlmodule|module|group|typealias|externalpage)\b)"));

struct Scope
{
    enum Kind { Namespace, Class, Enum, Other } kind;
    QString name;
    QString access; // "public", "private", "signals" (classes only)
    QString qmlType; // the QML name of a class documented with \qmltype
    bool specialization = false; // a class template's partial specialization
};

struct Comment
{
    QString text; // without the comment markers
    int line = 0; // 1-based line of the comment's start
};

struct Property
{
    QString type;
    QString name;
    QString read;
    QString write;
};

// A property's documentation: its accessors' comments (the getter's first).
struct PropertyDoc
{
    QString owner; // "QHotLibrary" for \\property, "HotLibrary" for \\qmlproperty
    bool qml = false;
    Property property;
    QStringList texts;
    int line = 0;
};

QString simplified(const QString &s)
{
    return s.simplified();
}

class Converter
{
public:
    Converter(QString module, QString header) : m_module(std::move(module)), m_header(std::move(header)) {}

    void run(const QString &source);
    QString output() const;

private:
    void comment(const Comment &comment);
    void statement(QString text, bool opensBlock);
    void macroLine(const QString &text);
    void documentDeclaration(const Comment &comment, QString decl);
    void emit(int line, const QString &topic, const QString &text);
    QString qualifier() const;
    bool hidden() const;
    Scope *currentClass();
    const Property *propertyForAccessor(const QString &function, bool *isRead);

    QString m_module;
    QString m_header; // as users include it: <QHotReload/qhotmodule.h>
    bool m_hasMacros = false;
    QList<Scope> m_scopes;
    QList<Comment> m_pending;
    QString m_nextQmlType; // from a \qmltype comment, for the class that follows
    QHash<QString, QList<Property>> m_properties; // by class
    void addPropertyDoc(const Property &p, const Comment &comment, bool first);
    QList<PropertyDoc> m_propertyDocs;
    QStringList m_qmlTypeOrder;
    QStringList m_enumValues; // "\value Name text" lines of the enum being read
    Comment m_enumComment;
    bool m_enumDocumented = false;
    QString m_enumName;
    QList<QPair<int, QString>> m_out;
    qsizetype m_classComment = -1; // the last \class comment in m_out
    QString m_classCommentName;
};

QString Converter::qualifier() const
{
    QStringList names;
    for (const Scope &scope : m_scopes) {
        if (scope.kind == Scope::Namespace || scope.kind == Scope::Class)
            names << scope.name;
    }
    return names.isEmpty() ? QString() : names.join(QStringLiteral("::")) + QStringLiteral("::");
}

bool Converter::hidden() const
{
    for (const Scope &scope : m_scopes) {
        if (scope.kind == Scope::Namespace && (scope.name == QLatin1String("detail") || scope.name.isEmpty()))
            return true;
        if (scope.kind == Scope::Class && scope.access == QLatin1String("private"))
            return true;
        if (scope.kind == Scope::Other || scope.specialization)
            return true;
    }
    return false;
}

Scope *Converter::currentClass()
{
    if (!m_scopes.isEmpty() && m_scopes.last().kind == Scope::Class)
        return &m_scopes.last();
    return nullptr;
}

void Converter::emit(int line, const QString &topic, const QString &text)
{
    // The topic goes on the comment's first line, so that the comment keeps
    // the header's line count (a //! comment takes one line more).
    QString body = text;
    if (!topic.isEmpty())
        body.prepend(QLatin1Char(' ') + topic);
    // Macros belong to no class: they are listed on their header's page.
    if (body.contains(QLatin1String("\\macro ")) && !body.contains(QLatin1String("\\relates"))) {
        m_hasMacros = true;
        const int end = body.lastIndexOf(QLatin1Char('\n'));
        body.insert(end < 0 ? body.size() : end, QStringLiteral("\n    \\relates ") + m_header);
    }
    m_out.append({line, QStringLiteral("/*!") + body + QStringLiteral("*/")});
}

const Property *Converter::propertyForAccessor(const QString &function, bool *isRead)
{
    const Scope *cls = currentClass();
    if (!cls)
        return nullptr;
    // Into the hash's own list: value() would hand out a copy (detached by
    // the loop), and the pointer returned would dangle.
    const auto properties = m_properties.constFind(cls->name);
    if (properties == m_properties.cend())
        return nullptr;
    for (const Property &p : *properties) {
        if (p.read == function || p.write == function) {
            *isRead = p.read == function;
            return &p;
        }
    }
    return nullptr;
}

// A /*! comment: one with a topic is copied (into the module when it names
// none); one without waits for its declaration.
void Converter::comment(const Comment &comment)
{
    static const QRegularExpression internalRe(QStringLiteral(R"(\\internal\b)"));
    static const QRegularExpression qmltypeRe(QStringLiteral(R"(\\qmltype\s+(\w+))"));
    if (!topicCommand.match(comment.text).hasMatch()) {
        m_pending.append(comment);
        return;
    }
    m_pending.clear();
    if (internalRe.match(comment.text).hasMatch())
        return;
    QString text = comment.text;
    if (const auto m = qmltypeRe.match(text); m.hasMatch()) {
        m_nextQmlType = m.captured(1);
        if (!text.contains(QLatin1String("\\inqmlmodule")))
            text.insert(m.capturedEnd(), QStringLiteral("\n    \\inqmlmodule ") + m_module);
    } else if (static const QRegularExpression classRe(QStringLiteral(R"(\\(class|struct|namespace|headerfile)\s+[\w:]+)"));
               !text.contains(QLatin1String("\\inmodule"))) {
        if (const auto m = classRe.match(text); m.hasMatch())
            text.insert(m.capturedEnd(), QStringLiteral("\n    \\inmodule ") + m_module);
    }
    static const QRegularExpression classTopicRe(QStringLiteral(R"(\\class\s+(\w+))"));
    if (const auto m = classTopicRe.match(text); m.hasMatch()) {
        m_classComment = m_out.size();
        m_classCommentName = m.captured(1);
    }
    emit(comment.line, QString(), text);
}

// A declaration at namespace or class scope ended (by ';' or '{').
void Converter::statement(QString text, bool opensBlock)
{
    text = simplified(text);
    static const QRegularExpression nsRe(QStringLiteral(R"(^(?:inline\s+)?namespace\s*([\w:]*)$)"));
    static const QRegularExpression classRe(QStringLiteral(
            R"(^(?:template\s*<.*>\s*)?(class|struct)\s+(?:\w+_EXPORT\s+)?(\w+)(?:<.*>)?(?:\s+final)?\s*(?::.*)?$)"));
    static const QRegularExpression enumRe(QStringLiteral(R"(^enum\s+(?:class\s+|struct\s+)?(\w+)\s*(?::.*)?$)"));

    if (opensBlock) {
        if (const auto m = nsRe.match(text); m.hasMatch()) {
            // "namespace A::B {" opens both.
            const QStringList parts = m.captured(1).split(QStringLiteral("::"));
            for (const QString &part : parts)
                m_scopes.append({Scope::Namespace, part, {}, {}});
            if (parts.size() > 1)
                m_scopes.last().access = QString::number(parts.size());
            m_pending.clear();
            return;
        }
        if (const auto m = classRe.match(text); m.hasMatch()) {
            Scope scope{Scope::Class, m.captured(2),
                        m.captured(1) == QLatin1String("struct") ? QStringLiteral("public") : QStringLiteral("private"),
                        {}};
            if (!m_nextQmlType.isEmpty()) {
                scope.qmlType = m_nextQmlType;
                m_nextQmlType.clear();
            }
            m_pending.clear(); // a class's own comment has \class
            // QDoc documents no partial specialization (QHotFunction<R(A...)>) as
            // a class: its comment becomes a page of that name, its members'
            // comments are left out.
            if (text.contains(scope.name + QLatin1Char('<'))) {
                scope.specialization = true;
                if (m_classComment >= 0 && m_classCommentName == scope.name) {
                    QString &doc = m_out[m_classComment].second;
                    doc.replace(QRegularExpression(QStringLiteral(R"(\\class\s+\w+)")),
                                QStringLiteral("\\page ") + scope.name.toLower() + QStringLiteral(".html\n    \\title ")
                                        + scope.name);
                    doc.remove(QRegularExpression(QStringLiteral(R"(\n\s*\\inmodule\s+\w+)")));
                }
            }
            m_classComment = -1;
            m_scopes.append(scope);
            return;
        }
        if (const auto m = enumRe.match(text); m.hasMatch()) {
            m_enumName = m.captured(1);
            m_enumDocumented = !m_pending.isEmpty();
            if (m_enumDocumented)
                m_enumComment = m_pending.takeLast();
            m_pending.clear();
            m_enumValues.clear();
            m_scopes.append({Scope::Enum, m_enumName, {}, {}});
            return;
        }
        m_scopes.append({Scope::Other, {}, {}, {}});
    }
    if (m_pending.isEmpty() || text.isEmpty())
        return;
    const Comment comment = m_pending.takeLast();
    m_pending.clear();
    static const QRegularExpression internalRe(QStringLiteral(R"(\\internal\b)"));
    if (!hidden() && !internalRe.match(comment.text).hasMatch())
        documentDeclaration(comment, text);
}

void Converter::documentDeclaration(const Comment &comment, QString decl)
{
    // Leave out what is only for the compiler.
    static const QRegularExpression leading(QStringLiteral(
            R"(^(?:(?:Q_INVOKABLE|virtual|explicit|static|inline|constexpr|friend|Q_REQUIRED_RESULT|\[\[nodiscard\]\]|\w+_EXPORT)\s+)+)"));
    static const QRegularExpression trailing(QStringLiteral(
            R"((?:\s*(?:override|final|noexcept|=\s*default|=\s*delete|=\s*0))+$)"));
    static const QRegularExpression initList(QStringLiteral(R"(\)\s*(const\s*)?:\s*\w+\s*[({].*$)"));
    static const QRegularExpression usingRe(QStringLiteral(R"(^using\s+(\w+)\s*=)"));
    const bool invokable = decl.startsWith(QLatin1String("Q_INVOKABLE"));
    decl.remove(leading);
    decl.replace(initList, QStringLiteral(")\\1"));
    decl = decl.trimmed();
    decl.remove(trailing);
    decl = decl.trimmed();

    Scope *cls = currentClass();
    const QString qual = qualifier();

    if (const auto m = usingRe.match(decl); m.hasMatch()) {
        emit(comment.line, QStringLiteral("\\typealias ") + qual + m.captured(1), comment.text);
        return;
    }

    // The function's name: the identifier before the first '(' outside <...>.
    int depth = 0;
    int paren = -1;
    for (int i = 0; i < decl.size(); ++i) {
        const QChar c = decl.at(i);
        if (c == QLatin1Char('<'))
            ++depth;
        else if (c == QLatin1Char('>') && depth > 0)
            --depth;
        else if (c == QLatin1Char('(') && depth == 0) {
            paren = i;
            break;
        }
    }
    if (paren < 0) {
        // A variable.
        static const QRegularExpression nameRe(QStringLiteral(R"((\w+)\s*(?:=.*|\{.*)?$)"));
        const auto m = nameRe.match(decl);
        if (m.hasMatch())
            emit(comment.line, QStringLiteral("\\variable ") + qual + m.captured(1), comment.text);
        return;
    }
    int nameEnd = paren;
    while (nameEnd > 0 && decl.at(nameEnd - 1).isSpace())
        --nameEnd;
    int nameStart = nameEnd;
    while (nameStart > 0 && (decl.at(nameStart - 1).isLetterOrNumber() || decl.at(nameStart - 1) == QLatin1Char('_')))
        --nameStart;
    if (nameStart > 0 && decl.at(nameStart - 1) == QLatin1Char('~'))
        --nameStart;
    const QString name = decl.mid(nameStart, nameEnd - nameStart);

    // A comment on a property's getter, or on its setter when it names no
    // argument, documents the property.
    static const QRegularExpression argumentRe(QStringLiteral(R"(\\a\s)"));
    bool isRead = false;
    const Property *p = cls ? propertyForAccessor(name, &isRead) : nullptr;
    if (p && (isRead || !argumentRe.match(comment.text).hasMatch())) {
        addPropertyDoc(*p, comment, isRead);
        return;
    }

    if (cls && !cls->qmlType.isEmpty()) {
        // A QML type: its C++ side is not the API; its properties, signals
        // and invokables are.
        const QString params = decl.mid(paren);
        if (cls->access == QLatin1String("signals")) {
            emit(comment.line, QStringLiteral("\\qmlsignal ") + cls->qmlType + QStringLiteral("::") + name + params,
                 comment.text);
        } else if (invokable) {
            const QString ret = decl.left(nameStart).trimmed();
            emit(comment.line,
                 QStringLiteral("\\qmlmethod ") + ret + QLatin1Char(' ') + cls->qmlType + QStringLiteral("::") + name
                         + params,
                 comment.text);
        }
        return;
    }

    decl.insert(nameStart, qual);
    emit(comment.line, QStringLiteral("\\fn ") + decl, comment.text);
}

void Converter::addPropertyDoc(const Property &p, const Comment &comment, bool first)
{
    const Scope *cls = currentClass();
    const bool qml = !cls->qmlType.isEmpty();
    QString owner = qml ? cls->qmlType : qualifier();
    if (!qml)
        owner.chop(2); // "::"
    auto it = std::find_if(m_propertyDocs.begin(), m_propertyDocs.end(), [&](const PropertyDoc &d) {
        return d.owner == owner && d.property.name == p.name;
    });
    if (it == m_propertyDocs.end()) {
        m_propertyDocs.append({owner, qml, p, {}, comment.line});
        it = m_propertyDocs.end() - 1;
    }
    if (first)
        it->texts.prepend(comment.text);
    else
        it->texts.append(comment.text);
    it->line = std::min(it->line, comment.line);
}

void Converter::macroLine(const QString &text)
{
    static const QRegularExpression propertyRe(QStringLiteral(
            R"(^Q_PROPERTY\(\s*(.+?)\s*\b(\w+)\s+READ\s+(\w+)(?:.*\bWRITE\s+(\w+))?)"));
    static const QRegularExpression qmlRe(QStringLiteral(R"(^QML_NAMED_ELEMENT\((\w+)\))"));
    Scope *cls = currentClass();
    if (!cls)
        return;
    if (const auto m = propertyRe.match(text); m.hasMatch()) {
        QString type = m.captured(1);
        m_properties[cls->name].append({type, m.captured(2), m.captured(3), m.captured(4)});
        if (!m_pending.isEmpty() && !hidden())
            addPropertyDoc(m_properties[cls->name].last(), m_pending.takeLast(), true);
    } else if (const auto m = qmlRe.match(text); m.hasMatch() && cls->qmlType.isEmpty()) {
        Q_UNUSED(m);
    }
    m_pending.clear();
}

void Converter::run(const QString &source)
{
    QString buffer; // the statement being read
    int line = 1;
    int parenDepth = 0;
    const int n = source.size();
    auto at = [&](int i) { return i < n ? source.at(i) : QChar(); };
    bool lineStart = true;

    for (int i = 0; i < n;) {
        const QChar c = source.at(i);
        if (c == QLatin1Char('\n')) {
            ++line;
            lineStart = true;
            // Macros such as Q_OBJECT or Q_PROPERTY(...) end at the line's end.
            static const QRegularExpression macroRe(QStringLiteral(R"(^[A-Z][A-Z0-9_]*(\(.*\))?$)"));
            const QString trimmed = simplified(buffer);
            if (parenDepth == 0 && !trimmed.isEmpty() && macroRe.match(trimmed).hasMatch()) {
                macroLine(trimmed);
                buffer.clear();
            } else {
                buffer += QLatin1Char(' ');
            }
            ++i;
            continue;
        }
        if (lineStart && c.isSpace()) {
            ++i;
            continue;
        }
        if (lineStart && c == QLatin1Char('#')) {
            // A preprocessor line, with its continuations.
            int end = i;
            QString directive;
            while (end < n) {
                if (source.at(end) == QLatin1Char('\n')) {
                    if (end > 0 && source.at(end - 1) == QLatin1Char('\\')) {
                        ++line;
                        ++end;
                        continue;
                    }
                    break;
                }
                directive += source.at(end);
                ++end;
            }
            static const QRegularExpression defineRe(QStringLiteral(R"(^#\s*define\s+(\w+(?:\([^)]*\))?))"));
            if (const auto m = defineRe.match(directive); m.hasMatch() && !m_pending.isEmpty()) {
                const Comment comment = m_pending.takeLast();
                emit(comment.line, QStringLiteral("\\macro ") + m.captured(1), comment.text);
            }
            m_pending.clear();
            i = end;
            continue;
        }
        lineStart = false;
        if (c == QLatin1Char('/') && at(i + 1) == QLatin1Char('*')) {
            const int end = source.indexOf(QLatin1String("*/"), i + 2);
            const int stop = end < 0 ? n : end + 2;
            const QString body = source.mid(i + 2, stop - i - 4);
            if (body.startsWith(QLatin1Char('!')))
                comment({body.mid(1), line});
            line += body.count(QLatin1Char('\n'));
            i = stop;
            continue;
        }
        if (c == QLatin1Char('/') && at(i + 1) == QLatin1Char('/')) {
            int end = source.indexOf(QLatin1Char('\n'), i);
            if (end < 0)
                end = n;
            const QString body = source.mid(i + 2, end - i - 2);
            if (body.startsWith(QLatin1String("!<"))) {
                // After an enum value: "Name, //!< text".
                static const QRegularExpression valueRe(QStringLiteral(R"((\w+)\s*(?:=[^,]*)?,?\s*$)"));
                const auto m = valueRe.match(buffer);
                if (m.hasMatch() && !m_scopes.isEmpty() && m_scopes.last().kind == Scope::Enum)
                    m_enumValues << QStringLiteral("\\value ") + m.captured(1) + QLatin1Char(' ')
                                    + body.mid(2).trimmed();
                buffer.clear();
            } else if (body.startsWith(QLatin1Char('!'))) {
                // Consecutive //! lines make one comment.
                if (!m_pending.isEmpty() && m_pending.last().line + m_pending.last().text.count(QLatin1Char('\n')) == line - 1
                    && buffer.trimmed().isEmpty() && m_pending.last().text.startsWith(QLatin1String("\n//")))
                    m_pending.last().text += QStringLiteral("\n//") + body.mid(1);
                else
                    m_pending.append({QStringLiteral("\n//") + body.mid(1), line});
            }
            i = end;
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            int j = i + 1;
            while (j < n && source.at(j) != c) {
                if (source.at(j) == QLatin1Char('\\'))
                    ++j;
                ++j;
            }
            buffer += source.mid(i, j + 1 - i);
            i = j + 1;
            continue;
        }
        const bool inOther = !m_scopes.isEmpty() && m_scopes.last().kind == Scope::Other;
        if (c == QLatin1Char('(')) {
            ++parenDepth;
        } else if (c == QLatin1Char(')')) {
            --parenDepth;
        } else if (c == QLatin1Char('{') && parenDepth == 0) {
            if (inOther)
                m_scopes.append({Scope::Other, {}, {}, {}});
            else
                statement(buffer, true);
            buffer.clear();
            ++i;
            continue;
        } else if (c == QLatin1Char('}') && parenDepth == 0) {
            if (!m_scopes.isEmpty()) {
                const Scope closed = m_scopes.takeLast();
                if (closed.kind == Scope::Enum) {
                    // The last value has no comma: "Last //!< text" was seen already.
                    if (m_enumDocumented && !hidden()) {
                        QString text = m_enumComment.text;
                        if (!m_enumValues.isEmpty())
                            text += QStringLiteral("\n\n    ") + m_enumValues.join(QStringLiteral("\n    "));
                        emit(m_enumComment.line, QStringLiteral("\\enum ") + qualifier() + closed.name, text);
                    }
                } else if (closed.kind == Scope::Namespace && closed.access.toInt() > 1) {
                    for (int k = 1; k < closed.access.toInt(); ++k)
                        m_scopes.removeLast();
                }
            }
            buffer.clear();
            m_pending.clear();
            ++i;
            continue;
        } else if (c == QLatin1Char(';') && parenDepth == 0) {
            if (!inOther)
                statement(buffer, false);
            buffer.clear();
            ++i;
            continue;
        } else if (c == QLatin1Char(':') && parenDepth == 0 && at(i + 1) != QLatin1Char(':')
                   && (i == 0 || source.at(i - 1) != QLatin1Char(':'))) {
            static const QRegularExpression accessRe(
                    QStringLiteral(R"(^(public|protected|private|Q_SIGNALS|signals)(\s+(Q_SLOTS|slots))?$)"));
            const auto m = accessRe.match(simplified(buffer));
            if (m.hasMatch()) {
                if (Scope *cls = currentClass()) {
                    const QString a = m.captured(1);
                    cls->access = (a == QLatin1String("Q_SIGNALS") || a == QLatin1String("signals"))
                            ? QStringLiteral("signals")
                            : (a == QLatin1String("public") ? QStringLiteral("public") : QStringLiteral("private"));
                }
                buffer.clear();
                m_pending.clear();
                ++i;
                continue;
            }
        }
        buffer += c;
        ++i;
    }

}

QString Converter::output() const
{
    QList<QPair<int, QString>> out = m_out;
    for (const PropertyDoc &q : m_propertyDocs) {
        QString text = q.texts.join(QStringLiteral("\n"));
        if (!q.qml) {
            out.append({q.line, QStringLiteral("/*! \\property ") + q.owner + QStringLiteral("::") + q.property.name
                                        + text + QStringLiteral("*/")});
            continue;
        }
        {
            QString type = q.property.type;
            type.remove(QLatin1Char('*'));
            type = type.trimmed();
            static const QHash<QString, QString> qmlTypes = {
                {QStringLiteral("QString"), QStringLiteral("string")},
                {QStringLiteral("QUrl"), QStringLiteral("url")},
                {QStringLiteral("QStringList"), QStringLiteral("list<string>")},
                {QStringLiteral("QVariant"), QStringLiteral("var")},
                {QStringLiteral("QJSValue"), QStringLiteral("var")},
                {QStringLiteral("QHotQmlLibrary"), QStringLiteral("HotLibrary")},
                {QStringLiteral("QHotBuilder"), QStringLiteral("HotBuilder")},
                {QStringLiteral("State"), QStringLiteral("enumeration")},
            };
            type = qmlTypes.value(type, type);
            QString topic = QStringLiteral("\\qmlproperty ") + type + QLatin1Char(' ') + q.owner + QStringLiteral("::")
                    + q.property.name;
            if (q.property.write.isEmpty())
                text += QStringLiteral("\n    \\readonly");
            out.append({q.line, QStringLiteral("/*! ") + topic + text + QStringLiteral("*/")});
        }
    }
    if (m_hasMacros) {
        out.append({INT_MAX,
                    QStringLiteral("/*!\n    \\headerfile ") + m_header + QStringLiteral("\n    \\inmodule ") + m_module
                            + QStringLiteral("\n    \\title ") + m_header
                            + QStringLiteral("\n    \\brief The macros declared in ") + m_header
                            + QStringLiteral(".\n*/")});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    QString result;
    int line = 1;
    for (const auto &[target, comment] : out) {
        QString text = comment;
        text.replace(QStringLiteral("\n//"), QStringLiteral("\n    "));
        while (line < target && target != INT_MAX) {
            result += QLatin1Char('\n');
            ++line;
        }
        result += text + QLatin1Char('\n');
        line += text.count(QLatin1Char('\n')) + 1;
    }
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: headerdocs <module> <header> <output.cpp>\n");
        return 2;
    }
    QFile in(args.at(2));
    if (!in.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "headerdocs: cannot read %s\n", qPrintable(args.at(2)));
        return 1;
    }
    Converter converter(args.at(1),
                        QStringLiteral("<") + args.at(1) + QLatin1Char('/') + QFileInfo(args.at(2)).fileName()
                                + QLatin1Char('>'));
    converter.run(QString::fromUtf8(in.readAll()));

    QFile out(args.at(3));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "headerdocs: cannot write %s\n", qPrintable(args.at(3)));
        return 1;
    }
    out.write(converter.output().toUtf8());
    return 0;
}
