// SPDX-License-Identifier: MIT
// QHotBuilder's error parsing: the line of a build's output that says what
// went wrong first.
#include "qhotbuilder.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QStringList>

QString QHotBuilder::firstErrorLine(const QString &output)
{
    static const QRegularExpression colour(QStringLiteral("\x1b\\[[0-9;]*[A-Za-z]"));
    static const QRegularExpression msvcError(QStringLiteral("\\berror [A-Z]+[0-9]+"));
    QString text = output;
    text.remove(colour);
    const QStringList lines = text.split(QLatin1Char('\n'));

    auto firstWhere = [&lines](auto matches) -> qsizetype {
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (matches(lines.at(i)))
                return i;
        }
        return -1;
    };
    qsizetype at = firstWhere([](const QString &line) {
        return line.contains(QLatin1String("error:"));
    });
    if (at >= 0 && lines.at(at).trimmed().startsWith(QLatin1String("collect2:"))) {
        // gcc's driver says only that the linker failed; the linker said what.
        qsizetype linker = firstWhere([](const QString &line) {
            return line.contains(QLatin1String("undefined reference"))
                || line.contains(QLatin1String("multiple definition"));
        });
        if (linker < 0)
            linker = firstWhere([](const QString &line) { return line.contains(QLatin1String("ld: ")); });
        if (linker >= 0 && linker < at)
            at = linker;
    }
    if (at < 0)
        at = firstWhere([](const QString &line) { return msvcError.match(line).hasMatch(); });
    if (at < 0)
        at = firstWhere([](const QString &line) { return line.contains(QLatin1String("Error")); });
    if (at >= 0)
        return lines.at(at).trimmed();
    for (qsizetype i = lines.size() - 1; i >= 0; --i) {
        const QString line = lines.at(i).trimmed();
        if (!line.isEmpty())
            return line;
    }
    return {};
}
