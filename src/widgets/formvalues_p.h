// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_FORMVALUES_P_H
#define QHOTRELOAD_FORMVALUES_P_H

// The values a user typed into a form, by object name, to put back into the
// form that replaces it.

#include <QtCore/QHash>
#include <QtCore/QVariant>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace QHotReload::Internal {

struct InputValue
{
    QByteArray property;   // the widget's USER property, e.g. "text"
    QVariant value;
    QVariant checked;      // for checkable widgets whose USER property is not "checked"
};

using FormValues = QHash<QString, InputValue>;

//! The USER property (and checked state) of each named widget in \a form, \a form included.
FormValues saveFormValues(const QWidget *form);

/*!
    Writes \a values into the widgets of \a form with the same object name and
    the same USER property. Returns how many widgets took a value.
*/
int restoreFormValues(QWidget *form, const FormValues &values);

} // namespace QHotReload::Internal

#endif
