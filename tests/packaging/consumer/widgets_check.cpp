// SPDX-License-Identifier: MIT
//
// Built against an installed QHotReload::Widgets only: its public headers
// compile in a user's project and the installed library links and loads.

#include <QHotReload/QHotForm>
#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QTextStream>

int main()
{
    QTextStream(stdout) << QHotWidget::staticMetaObject.className() << ' '
                        << QHotReloadIndicator::staticMetaObject.className() << ' '
                        << QHotForm::staticMetaObject.className() << Qt::endl;
    return 0;
}
