// SPDX-License-Identifier: MIT
#include "qmlsources_p.h"

#include "qmltree_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>

namespace QHotReload::Detail {

void QmlSources::read()
{
    const QDir maps(QStringLiteral(":/qhotreload/qmlsources"));
    for (const QString &name : maps.entryList(QDir::Files)) {
        QFile file(maps.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            add(QString::fromUtf8(file.readAll()));
    }
}

void QmlSources::add(const QString &text)
{
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QString url = line.section(QLatin1Char('\t'), 0, 0);
        const QString source = line.section(QLatin1Char('\t'), 1);
        if (!url.isEmpty() && !source.isEmpty())
            m_sources.insert(QUrl(url), source);
    }
}

QString QmlSources::sourceOf(const QUrl &url) const
{
    return m_sources.value(QmlTree::fileUrl(url));
}

void QmlServe::serve(const QUrl &url, const QString &sourceFile)
{
    QWriteLocker lock(&m_lock);
    m_served.insert(QmlTree::fileUrl(url), QUrl::fromLocalFile(sourceFile));
}

QUrl QmlServe::intercept(const QUrl &path, DataType type)
{
    if (type != QmlFile && type != JavaScriptFile)
        return path;
    QReadLocker lock(&m_lock);
    return m_served.value(QmlTree::fileUrl(path), path);
}

} // namespace QHotReload::Detail
