// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTBUILDER_H
#define QHOTRELOAD_QML_HOTBUILDER_H

#include <QHotReload/qhotbuilder.h>

#include <QtCore/QObject>
#include <QtQml/qqml.h>
#include <QtQml/qqmlregistration.h>

/*!
    \qmltype HotBuilder
    \brief Build on save for QML: QHotBuilder itself, as a QML type.

    Not a wrapper: a \c HotBuilder made in QML is a QHotBuilder, and a
    QHotBuilder made in C++ (QHOT_BUILD_ON_SAVE(), or \c{new QHotBuilder(
    QHOT_BUILD_INFO(lib))}) handed to QML (an initial or context property) is
    a \c HotBuilder there. So QML sees exactly the C++ API: \c enabled (false
    by default), \c state (\c HotBuilder.Idle, \c Building, \c Failed),
    \c buildPending, \c target, \c buildDirectory, \c config, \c cmakeCommand,
    \c sources (absolute paths), \c delay, \c firstError, \c output,
    \c buildCount; the signals \c sourceSaved(file), \c buildStarted(),
    \c buildFinished(ok, msecs), \c buildFailed(firstError, fullOutput); and
    \c build(). A failed build changes nothing that runs.

    HotReloadStatus (and so HotReloadIndicator) shows one through its
    \c builder property.
*/
struct QHotQmlBuilderForeign
{
    Q_GADGET
    QML_FOREIGN(QHotBuilder)
    QML_NAMED_ELEMENT(HotBuilder)
};

#endif // QHOTRELOAD_QML_HOTBUILDER_H
