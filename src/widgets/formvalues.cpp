// SPDX-License-Identifier: MIT
#include "formvalues_p.h"

#include <QtCore/QMetaProperty>
#include <QtWidgets/QWidget>

namespace QHotReload::Internal {

namespace {

QList<QWidget *> namedWidgets(const QWidget *form)
{
    QList<QWidget *> widgets = form->findChildren<QWidget *>();
    widgets.prepend(const_cast<QWidget *>(form));
    widgets.removeIf([](const QWidget *w) {
        // Qt's own helpers (a spin box's line edit, a scroll area's viewport) are "qt_…".
        return w->objectName().isEmpty() || w->objectName().startsWith(QLatin1String("qt_"));
    });
    return widgets;
}

bool isCheckable(const QObject *o)
{
    return o->property("checkable").toBool() && o->metaObject()->indexOfProperty("checked") >= 0;
}

} // namespace

FormValues saveFormValues(const QWidget *form)
{
    FormValues values;
    if (!form)
        return values;
    for (const QWidget *w : namedWidgets(form)) {
        const QMetaProperty user = w->metaObject()->userProperty();
        InputValue v;
        if (user.isValid() && user.isReadable() && user.isWritable()) {
            v.property = user.name();
            v.value = user.read(w);
        }
        if (isCheckable(w) && v.property != "checked")
            v.checked = w->property("checked");
        if (!v.property.isEmpty() || v.checked.isValid())
            values.insert(w->objectName(), v);
    }
    return values;
}

int restoreFormValues(QWidget *form, const FormValues &values)
{
    if (!form || values.isEmpty())
        return 0;
    int restored = 0;
    // Unchecked states first: in an exclusive group, checking one button
    // unchecks the others, and an unchecked button cannot be unchecked again.
    QList<std::pair<QWidget *, InputValue>> checkedLast;
    for (QWidget *w : namedWidgets(form)) {
        const auto it = values.constFind(w->objectName());
        if (it == values.cend())
            continue;
        const QMetaProperty user = w->metaObject()->userProperty();
        bool took = false;
        if (!it->property.isEmpty() && user.isValid() && it->property == user.name() && user.isWritable()) {
            QVariant value = it->value;
            if (value.metaType() == user.metaType() || value.convert(user.metaType())) {
                if (user.metaType() == QMetaType::fromType<bool>() && value.toBool()) {
                    checkedLast.append({w, *it});
                    took = true;
                } else {
                    took = user.write(w, value);
                }
            }
        }
        if (it->checked.isValid() && isCheckable(w)) {
            if (it->checked.toBool())
                checkedLast.append({w, InputValue{"checked", true, {}}});
            else
                w->setProperty("checked", false);
            took = true;
        }
        restored += took ? 1 : 0;
    }
    for (const auto &[w, v] : std::as_const(checkedLast))
        w->setProperty(v.property.constData(), true);
    return restored;
}

} // namespace QHotReload::Internal
