// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_DESIGNER_DESIGNERTEST_H
#define QHOTRELOAD_TESTS_DESIGNER_DESIGNERTEST_H

// Shared by the Designer plugin suites. form.ui names its hot library "panel"
// (libpanel.so, looked for in the working directory), as a committed .ui file
// would: the suites copy a widgets fixture there and work in that directory.

#include "widgetstest.h"

#include <QtCore/QDir>
#include <QtTest/QTest>

namespace QHotDesignerTest {

//! Works in \a dir while it lives (a relative libraryFile is resolved when it is set).
class CurrentDir
{
public:
    explicit CurrentDir(const QString &dir) : m_previous(QDir::currentPath()) { m_ok = QDir::setCurrent(dir); }
    ~CurrentDir() { QDir::setCurrent(m_previous); }
    bool isValid() const { return m_ok; }
    Q_DISABLE_COPY_MOVE(CurrentDir)

private:
    QString m_previous;
    bool m_ok = false;
};

inline QString directoryOf(const QString &file)
{
    return QFileInfo(file).absolutePath();
}

//! The plugin's classes and the include each names, as a test's data rows.
inline void addWidgetRows()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("includeFile");
    QTest::newRow("QHotWidget") << QStringLiteral("QHotWidget") << QStringLiteral("<QHotReload/QHotWidget>");
    QTest::newRow("QHotReloadIndicator")
            << QStringLiteral("QHotReloadIndicator") << QStringLiteral("<QHotReload/QHotReloadIndicator>");
}

} // namespace QHotDesignerTest

#endif
