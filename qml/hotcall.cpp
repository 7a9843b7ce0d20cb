// SPDX-License-Identifier: MIT
#include "hotcall.h"

#include "hotlibrary.h"

QHotQmlCall::QHotQmlCall(QObject *parent) : QObject(parent) {}

QHotQmlCall::~QHotQmlCall() = default;

QHotQmlLibrary *QHotQmlCall::library() const
{
    return m_library.get();
}

void QHotQmlCall::setLibrary(QHotQmlLibrary *library)
{
    if (!m_library.follow(library, this, [this] { update(); }))
        return;
    if (library) {
        // versionChanged comes once the new code is installed (and for the
        // first load, and an unload): exactly when the answer may differ.
        m_library << connect(library, &QHotQmlLibrary::versionChanged, this, &QHotQmlCall::update)
                  << connect(library, &QHotQmlLibrary::loadedChanged, this, &QHotQmlCall::update);
    }
    Q_EMIT libraryChanged();
    update();
}

QString QHotQmlCall::name() const
{
    return m_name;
}

void QHotQmlCall::setName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
    update();
}

QJSValue QHotQmlCall::arguments() const
{
    return m_arguments;
}

void QHotQmlCall::setArguments(const QJSValue &arguments)
{
    // No equality test: an array assigned anew is a new call even when equal.
    m_arguments = arguments;
    Q_EMIT argumentsChanged();
    update();
}

QVariant QHotQmlCall::value() const
{
    return m_value;
}

bool QHotQmlCall::isOk() const
{
    return m_ok;
}

QString QHotQmlCall::errorString() const
{
    return m_error;
}

void QHotQmlCall::refresh()
{
    update();
}

void QHotQmlCall::classBegin()
{
    m_complete = false;
}

void QHotQmlCall::componentComplete()
{
    m_complete = true;
    update();
}

void QHotQmlCall::update()
{
    // Until the component is complete, library, name and arguments may be half set.
    if (!m_complete)
        return;
    if (!m_library.get()) {
        setResult(QVariant(), QStringLiteral("HotCall: no library is set"));
        return;
    }
    if (m_name.isEmpty()) {
        setResult(QVariant(), QStringLiteral("HotCall: no function name is set"));
        return;
    }
    QHotQmlLibrary *library = m_library.get();
    if (!library->isLoaded()) {
        setResult(QVariant(), QStringLiteral("HotCall('%1'): %2 is not loaded%3")
                                      .arg(m_name, library->fileName(),
                                           library->errorString().isEmpty()
                                                   ? QString()
                                                   : QStringLiteral(": ") + library->errorString()));
        return;
    }
    QString why;
    const QVariant result = library->tryCall(m_name, QHotQmlLibrary::argumentList(m_arguments), &why);
    setResult(why.isEmpty() ? result : QVariant(),
              why.isEmpty() ? QString() : QStringLiteral("HotCall('%1'): %2").arg(m_name, why));
}

void QHotQmlCall::setResult(const QVariant &value, const QString &error)
{
    const bool wasOk = m_ok;
    const bool errorChanged = error != m_error;
    m_error = error;
    m_ok = error.isEmpty();
    // A new call is a new value, even when equal: the function may have
    // changed its side effects, and a binding on it must see the new version.
    m_value = value;
    Q_EMIT valueChanged();
    if (errorChanged)
        Q_EMIT errorStringChanged();
    if (wasOk != m_ok)
        Q_EMIT okChanged();
}
