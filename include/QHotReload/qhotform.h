// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTFORM_H
#define QHOTRELOAD_QHOTFORM_H

#include <QHotReload/qhotreloadwidgets_export.h>

#include <QtWidgets/QWidget>

#include <memory>

class QUiLoader;
class QHotFormPrivate;

/*!
    \class QHotForm
    \brief A form loaded from a .ui file, loaded again whenever the file is saved.

    QHotForm loads a .ui file with QUiLoader and shows it. It watches the file
    and its directory (Designer and most editors save by writing a new file
    and renaming it over the old one), and when the file changes it loads the
    new form and replaces the old one. Input widgets whose object names match
    keep their values: each widget's USER property (QLineEdit::text,
    QSpinBox::value, QAbstractButton::checked, QComboBox::currentText,
    QAbstractSlider::value, QTextEdit::html, QPlainTextEdit::plainText, …)
    and the \c checked state of checkable widgets.

    A file is loaded only once it is complete XML and its writer is done.
    Where the system says when a writer closes a file (Linux), the form is
    looked at then, and a file that is still not complete XML is reported at
    once with formFailed(). Elsewhere a file that is not (still being
    written) is looked at again shortly and reported only if it stays broken
    (1.5 s for a file cut short, 0.2 s for other XML errors). Complete XML
    that QUiLoader rejects is reported at once. A
    new form that cannot be loaded leaves the old one in place.
    Many notifications for one save are one reload; saving the same bytes
    again is none.

    The form is rebuilt: connections to the old form's widgets are gone with
    them. Connect again on formReloaded().
*/
class QHOTRELOAD_WIDGETS_EXPORT QHotForm : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QString fileName READ fileName WRITE setFileName NOTIFY fileNameChanged)
    Q_PROPERTY(QWidget *form READ form NOTIFY formChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(bool keepValues READ keepValues WRITE setKeepValues NOTIFY keepValuesChanged)

public:
    //! An empty form, a child of \a parent; set \l fileName.
    explicit QHotForm(QWidget *parent = nullptr);
    //! Loads \a fileName at once (see load()) and watches it.
    explicit QHotForm(const QString &fileName, QWidget *parent = nullptr);
    ~QHotForm() override;

    //! The .ui file, as an absolute path.
    QString fileName() const;
    //! Watches \a fileName and loads it now (see load()).
    void setFileName(const QString &fileName);

    /*!
        Loads the file now. Returns false, with the reason in errorString(),
        if it is missing, not complete XML or rejected by QUiLoader; the
        current form (if any) stays, and the file stays watched, so a later
        good save is loaded with formReloaded().
    */
    bool load();

    //! The form's top-level widget, or nullptr before a load succeeded.
    QWidget *form() const;

    //! Why the last load failed, naming the file; empty after a success.
    QString errorString() const;

    //! Whether matching input widgets keep their values across reloads (default true).
    bool keepValues() const;
    void setKeepValues(bool keep);

    /*!
        The loader, to add plugin paths or custom widgets. It also creates
        QHotWidget and QHotReloadIndicator for the .ui files that use them.
    */
    QUiLoader *loader() const;

Q_SIGNALS:
    //! A saved file was loaded and replaced the form (not emitted by load()).
    void formReloaded();
    //! A saved file could not be loaded; the old form stays. \a reason names the file and the error.
    void formFailed(const QString &reason);
    void fileNameChanged();
    void formChanged();
    void errorStringChanged();
    void keepValuesChanged();

private:
    Q_DECLARE_PRIVATE(QHotForm)
    std::unique_ptr<QHotFormPrivate> d_ptr;
};

#endif // QHOTRELOAD_QHOTFORM_H
