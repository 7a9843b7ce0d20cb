// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QMLSOURCES_P_H
#define QHOTRELOAD_QMLSOURCES_P_H

// Files of a qt_add_qml_module module are loaded from qrc:/qt/qml/...;
// qhot_qml_sources() compiles a map (qrc: URL → source file) into the
// module's target. QmlSources reads every such map; QmlServe serves a saved
// source file in place of its resource (and of qmlcachegen's compiled copy,
// which is looked up by the URL a file is read from).

#include <QtCore/QHash>
#include <QtCore/QReadWriteLock>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtQml/QQmlAbstractUrlInterceptor>

namespace QHotReload::Detail {

//! \internal The source files of the qrc: files of QML modules built with qhot_qml_sources().
class QmlSources
{
public:
    //! Reads the maps under :/qhotreload/qmlsources/ (the resources compiled in now).
    void read();
    //! The source file of \a url (a qrc: URL), or an empty string.
    QString sourceOf(const QUrl &url) const;
    //! Reads the map in \a text (lines "qrc:/… <tab> /path/file.qml").
    void add(const QString &text);
    //! \a url's source is \a sourceFile.
    void set(const QUrl &url, const QString &sourceFile) { m_sources.insert(url, sourceFile); }

private:
    QHash<QUrl, QString> m_sources;
};

//! \internal Serves the source file of a saved qrc: file where the engine asks for the resource.
class QmlServe : public QQmlAbstractUrlInterceptor
{
public:
    //! From now on, \a url is read from \a sourceFile.
    void serve(const QUrl &url, const QString &sourceFile);
    QUrl intercept(const QUrl &path, DataType type) override;

private:
    // The engine asks from its loader thread too.
    mutable QReadWriteLock m_lock;
    QHash<QUrl, QUrl> m_served;
};

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_QMLSOURCES_P_H
