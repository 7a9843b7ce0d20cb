// SPDX-License-Identifier: MIT
// Which functions of a retired version may jump to the newest version (see
// redirect_p.h and the README's "Stale entry points"): read from their
// mangled names alone.
#include "redirect_p.h"

namespace QHotReload::Internal {

namespace {

// Qt's own types: their layout is Qt's, the same for every version of a hot
// library (a library cannot define a class of the same name next to Qt's).
const QSet<QByteArray> &qtTypes()
{
    static const QSet<QByteArray> types = {
            "QString", "QByteArray", "QVariant", "QStringView", "QLatin1String", "QAnyStringView",
            "QByteArrayView", "QChar", "QPoint", "QPointF", "QSize", "QSizeF", "QRect", "QRectF",
            "QLine", "QLineF", "QUrl", "QDate", "QTime", "QDateTime", "QColor", "QUuid", "QJsonValue",
            "QJsonObject", "QJsonArray", "QJsonDocument", "QMessageLogContext", "QtMsgType", "QObject",
            "QEvent", "QTimerEvent", "QModelIndex", "QPersistentModelIndex", "QTimer", "QThread",
            "QCoreApplication", "QWidget", "QFont", "QImage", "QPixmap", "QIcon", "QPen", "QBrush",
            "QRegularExpression", "QMimeData"};
    return types;
}

// Qt's containers: their own layout is fixed; they qualify when their
// element types do.
const QSet<QByteArray> &qtContainers()
{
    static const QSet<QByteArray> containers = {"QList", "QMap", "QHash", "QSet", "QMultiMap", "QMultiHash"};
    return containers;
}

// Reads just enough of the Itanium C++ ABI's mangling to apply the rule.
// Anything it does not know is refused: a misread can only keep a function
// from being redirected, never let one through.
class NameReader
{
public:
    explicit NameReader(QByteArrayView name) : m_s(name) {}

    bool function(const QSet<QByteArray> &namespaces, bool plainFunction)
    {
        if (!take("_Z"))
            return false;
        take("L"); // internal linkage at global scope
        QByteArray scope;
        if (peek() == 'N') {
            ++m_at;
            if (QByteArrayView("KVrRO").contains(peek()))
                return false; // a member function's qualifiers
            std::vector<QByteArray> parts;
            while (peek() != 'E') {
                take("L");
                QByteArray part;
                if (!sourceName(&part))
                    return false; // constructors, operators, templates, substitutions, local names
                parts.push_back(part);
            }
            ++m_at;
            if (parts.size() < 2)
                return false;
            for (size_t i = 0; i + 1 < parts.size(); ++i) {
                scope += (i ? "::" : "") + parts[i];
                m_candidates.push_back(false); // a prefix: never a type in a parameter
            }
            if (!plainFunction && !namespaces.contains(scope))
                return false; // it may be a class: its members stay with their version
        } else {
            QByteArray name;
            if (!sourceName(&name))
                return false;
        }
        if (peek() == 'v' && m_at + 1 == m_s.size())
            return true;
        while (m_at < m_s.size()) {
            if (!type())
                return false;
        }
        return true;
    }

private:
    char peek() const { return m_at < m_s.size() ? m_s[m_at] : '\0'; }
    bool take(const char *text)
    {
        const QByteArrayView t(text);
        if (!m_s.sliced(m_at).startsWith(t))
            return false;
        m_at += t.size();
        return true;
    }
    bool sourceName(QByteArray *out)
    {
        qsizetype length = 0;
        const qsizetype start = m_at;
        while (peek() >= '0' && peek() <= '9' && length < 4096)
            length = length * 10 + (m_s[m_at++] - '0');
        if (m_at == start || length <= 0 || length > m_s.size() - m_at)
            return false;
        *out = m_s.sliced(m_at, length).toByteArray();
        m_at += length;
        return true;
    }
    // Types up to an 'E' (a function type's parameters, a template's
    // arguments), then the whole as one substitution candidate.
    bool typesToEnd()
    {
        while (peek() != 'E') {
            if (m_at >= m_s.size() || !type())
                return false;
        }
        ++m_at;
        m_candidates.push_back(true);
        return true;
    }
    // One parameter type, which must qualify; records the substitution
    // candidates it makes.
    bool type()
    {
        const char c = peek();
        if (QByteArrayView("bcahstijlmxynofdegw").contains(c) && c != '\0') {
            ++m_at;
            return true;
        }
        if (c == 'D') {
            ++m_at;
            const char d = peek();
            ++m_at;
            return QByteArrayView("sinuh").contains(d) && d != '\0';
        }
        if (c == 'K' || c == 'V' || c == 'r' || c == 'P' || c == 'R' || c == 'O') {
            ++m_at;
            if (!type())
                return false;
            m_candidates.push_back(true);
            return true;
        }
        if (c == 'F') {
            ++m_at;
            take("Y");
            if (peek() == 'v')
                ++m_at; // returns nothing
            else if (!type())
                return false;
            if (peek() == 'v' && m_at + 1 < m_s.size() && m_s[m_at + 1] == 'E')
                ++m_at; // takes nothing
            return typesToEnd();
        }
        if (c == 'S') {
            ++m_at;
            qsizetype index = 0;
            if (peek() != '_') {
                qsizetype seq = 0;
                while ((peek() >= '0' && peek() <= '9') || (peek() >= 'A' && peek() <= 'Z')) {
                    const char x = m_s[m_at++];
                    seq = seq * 36 + (x <= '9' ? x - '0' : x - 'A' + 10);
                    if (seq > 100000)
                        return false;
                }
                if (peek() != '_')
                    return false; // St, Sa, Ss…: the standard library's types are not in the list
                index = seq + 1;
            }
            ++m_at;
            // A substitution followed by template arguments names a template.
            return index < qsizetype(m_candidates.size()) && m_candidates[size_t(index)] && peek() != 'I';
        }
        QByteArray name;
        if (!sourceName(&name))
            return false;
        if (peek() == 'I') {
            if (!qtContainers().contains(name))
                return false;
            m_candidates.push_back(true); // the template's name
            ++m_at;
            return typesToEnd();
        }
        if (!qtTypes().contains(name))
            return false;
        m_candidates.push_back(true);
        return true;
    }

    QByteArrayView m_s;
    qsizetype m_at = 0;
    std::vector<bool> m_candidates; // substitution candidates S_, S0_, …: whether each qualifies
};

} // namespace

bool mayRedirect(QByteArrayView name, const QSet<QByteArray> &namespaces, bool plainFunction)
{
    return NameReader(name).function(namespaces, plainFunction);
}

QSet<QByteArray> provenNamespaces(const std::vector<QByteArray> &names)
{
    static const QByteArrayView Unnamed("_GLOBAL__N_1");
    QSet<QByteArray> scopes;
    for (const QByteArray &name : names) {
        if (!name.startsWith("_ZN") || !name.contains(Unnamed))
            continue;
        QByteArrayView s = QByteArrayView(name).sliced(3);
        QByteArray scope;
        while (!s.isEmpty()) {
            if (s.front() == 'L')
                s = s.sliced(1);
            qsizetype digits = 0;
            qsizetype length = 0;
            while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9' && length < 4096)
                length = length * 10 + (s[digits++] - '0');
            if (digits == 0 || length <= 0 || length > s.size() - digits)
                break;
            const QByteArrayView part = s.sliced(digits, length);
            s = s.sliced(digits + length);
            scope += (scope.isEmpty() ? QByteArray() : QByteArray("::")) + part.toByteArray();
            if (part == Unnamed) {
                // It and everything enclosing it are namespaces.
                QByteArray enclosing = scope;
                while (true) {
                    scopes.insert(enclosing);
                    const qsizetype cut = enclosing.lastIndexOf("::");
                    if (cut < 0)
                        break;
                    enclosing.truncate(cut);
                }
            }
        }
    }
    return scopes;
}

} // namespace QHotReload::Internal
