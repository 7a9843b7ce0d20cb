// SPDX-License-Identifier: MIT
// QHotForm: a .ui file saved as editors and Designer save it is loaded again,
// input values survive by object name, a broken file keeps the old form, and
// a file caught half-written is neither loaded nor reported.

#include "widgetstest.h"

#include <QHotReload/QHotForm>

#include <QtCore/QPointer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>

using namespace QHotWidgetsTest;

namespace {

QString item(const QString &widget)
{
    return QStringLiteral("   <item>\n    ") + widget + QStringLiteral("\n   </item>\n");
}

//! A form with a heading and the usual input widgets; \a extra goes at the end.
QByteArray formXml(const QString &heading, const QString &extra = QString())
{
    QString items;
    items += item(QStringLiteral(R"(<widget class="QLabel" name="heading"><property name="text"><string>%1</string></property></widget>)")
                          .arg(heading));
    items += item(QStringLiteral(R"(<widget class="QLineEdit" name="name"/>)"));
    items += item(QStringLiteral(R"(<widget class="QSpinBox" name="age"><property name="maximum"><number>200</number></property></widget>)"));
    items += item(QStringLiteral(R"(<widget class="QDoubleSpinBox" name="height"/>)"));
    items += item(QStringLiteral(R"(<widget class="QCheckBox" name="subscribed"><property name="text"><string>Subscribe</string></property></widget>)"));
    items += item(QStringLiteral(R"(<widget class="QRadioButton" name="small"><property name="checked"><bool>true</bool></property></widget>)"));
    items += item(QStringLiteral(R"(<widget class="QRadioButton" name="large"/>)"));
    items += item(QStringLiteral(R"(<widget class="QComboBox" name="colour">)"
                                 R"(<item><property name="text"><string>red</string></property></item>)"
                                 R"(<item><property name="text"><string>green</string></property></item>)"
                                 R"(<item><property name="text"><string>blue</string></property></item></widget>)"));
    items += item(QStringLiteral(R"(<widget class="QSlider" name="volume"><property name="orientation"><enum>Qt::Horizontal</enum></property></widget>)"));
    items += item(QStringLiteral(R"(<widget class="QPlainTextEdit" name="notes"/>)"));
    items += extra;
    return QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0">
 <class>Form</class>
 <widget class="QWidget" name="Form">
  <layout class="QVBoxLayout" name="layout">
%1  </layout>
 </widget>
 <resources/>
 <connections/>
</ui>
)").arg(items).toUtf8();
}

template <typename T> T *find(const QHotForm &form, const char *name)
{
    return form.findChild<T *>(QString::fromLatin1(name));
}

QString heading(const QHotForm &form)
{
    const QLabel *label = find<QLabel>(form, "heading");
    return label ? label->text() : QString();
}

} // namespace

class tst_QHotForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void loadsAndKeepsValues();
    void brokenFileKeepsOldForm_data();
    void brokenFileKeepsOldForm();
    void halfWrittenFileIsWaitedFor();
    void sameBytesAreNoReload();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void tst_QHotForm::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("form.ui"));
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v1"))));
}

void tst_QHotForm::loadsAndKeepsValues()
{
    QHotForm form(m_path);
    form.show();
    QVERIFY2(form.form(), qPrintable(form.errorString()));
    QCOMPARE(heading(form), QStringLiteral("Form v1"));

    // What a user typed into v1.
    QPointer<QLineEdit> oldName = find<QLineEdit>(form, "name");
    QTest::keyClicks(oldName.data(), QStringLiteral("Ada"));
    QCOMPARE(oldName->text(), QStringLiteral("Ada"));
    find<QSpinBox>(form, "age")->setValue(36);
    find<QDoubleSpinBox>(form, "height")->setValue(1.65);
    find<QCheckBox>(form, "subscribed")->setChecked(true);
    find<QRadioButton>(form, "large")->setChecked(true);
    find<QComboBox>(form, "colour")->setCurrentIndex(2);
    find<QSlider>(form, "volume")->setValue(42);
    find<QPlainTextEdit>(form, "notes")->setPlainText(QStringLiteral("first line\nsecond line"));

    QSignalSpy reloaded(&form, &QHotForm::formReloaded);
    QSignalSpy failed(&form, &QHotForm::formFailed);
    const QString email = item(QStringLiteral(R"(<widget class="QLineEdit" name="email"/>)"));
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v2"), email)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(failed.count(), 0);

    QCOMPARE(heading(form), QStringLiteral("Form v2"));
    QLineEdit *name = find<QLineEdit>(form, "name");
    QVERIFY(name);
    QVERIFY(name != oldName.data());
    QCOMPARE(name->text(), QStringLiteral("Ada"));
    QCOMPARE(find<QSpinBox>(form, "age")->value(), 36);
    QCOMPARE(find<QDoubleSpinBox>(form, "height")->value(), 1.65);
    QVERIFY(find<QCheckBox>(form, "subscribed")->isChecked());
    QVERIFY(find<QRadioButton>(form, "large")->isChecked());
    QVERIFY(!find<QRadioButton>(form, "small")->isChecked());
    QCOMPARE(find<QComboBox>(form, "colour")->currentIndex(), 2);
    QCOMPARE(find<QSlider>(form, "volume")->value(), 42);
    QCOMPARE(find<QPlainTextEdit>(form, "notes")->toPlainText(), QStringLiteral("first line\nsecond line"));
    QVERIFY(find<QLineEdit>(form, "email")->text().isEmpty()); // new: its default
    QTRY_VERIFY_WITH_TIMEOUT(!oldName, Timeout);               // the old form is gone

    // Saved again (rename-over once more): still watched.
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v3"))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(heading(form), QStringLiteral("Form v3"));
    QCOMPARE(find<QLineEdit>(form, "name")->text(), QStringLiteral("Ada"));
}

void tst_QHotForm::brokenFileKeepsOldForm_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    QByteArray mismatched = formXml(QStringLiteral("Broken"));
    mismatched.replace("</layout>", "</layuot>");
    QTest::newRow("not well-formed") << mismatched << QStringLiteral("is not a complete .ui file: line");
    QTest::newRow("not a ui file") << QByteArray("<?xml version=\"1.0\"?>\n<html><body/></html>\n")
                                   << QStringLiteral("cannot be loaded: ");
}

void tst_QHotForm::brokenFileKeepsOldForm()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    QHotForm form(m_path);
    QVERIFY2(form.form(), qPrintable(form.errorString()));
    QPointer<QWidget> first = form.form();
    find<QLineEdit>(form, "name")->setText(QStringLiteral("Ada"));

    QSignalSpy reloaded(&form, &QHotForm::formReloaded);
    QSignalSpy failed(&form, &QHotForm::formFailed);
    QVERIFY(saveByRename(m_path, bytes));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString why = failed.first().first().toString();
    QVERIFY2(why.startsWith(QDir::toNativeSeparators(m_path)), qPrintable(why));
    QVERIFY2(why.contains(reason), qPrintable(why));
    QCOMPARE(form.errorString(), why);
    QCOMPARE(reloaded.count(), 0);
    QVERIFY(first);
    QCOMPARE(form.form(), first.data());
    QCOMPARE(heading(form), QStringLiteral("Form v1"));
    QCOMPARE(find<QLineEdit>(form, "name")->text(), QStringLiteral("Ada"));

    // The fix is taken, with the values of the form that stayed.
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v2"))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(heading(form), QStringLiteral("Form v2"));
    QCOMPARE(find<QLineEdit>(form, "name")->text(), QStringLiteral("Ada"));
    QVERIFY(form.errorString().isEmpty());
    QCOMPARE(failed.count(), 1);
}

void tst_QHotForm::halfWrittenFileIsWaitedFor()
{
    QHotForm form(m_path);
    QVERIFY2(form.form(), qPrintable(form.errorString()));
    find<QLineEdit>(form, "name")->setText(QStringLiteral("Ada"));
    QSignalSpy reloaded(&form, &QHotForm::formReloaded);
    QSignalSpy failed(&form, &QHotForm::formFailed);

    // An editor writing in place, in two chunks with a pause between them.
    const QByteArray bytes = formXml(QStringLiteral("Form v2"));
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(file.write(bytes.left(bytes.size() / 2)) > 0);
    QVERIFY(file.flush());
    QTest::qWait(300); // part of the scenario: the form sees the first half
    QCOMPARE(reloaded.count(), 0);
    QVERIFY(file.write(bytes.mid(bytes.size() / 2)) > 0);
    file.close();

    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    // A report of the first half would have come during the pause.
    QCOMPARE(failed.count(), 0);
    QCOMPARE(heading(form), QStringLiteral("Form v2"));
    QCOMPARE(find<QLineEdit>(form, "name")->text(), QStringLiteral("Ada"));
    QVERIFY(form.errorString().isEmpty());
}

void tst_QHotForm::sameBytesAreNoReload()
{
    QHotForm form(m_path);
    QVERIFY2(form.form(), qPrintable(form.errorString()));
    QPointer<QWidget> first = form.form();
    QSignalSpy reloaded(&form, &QHotForm::formReloaded);
    QSignalSpy changed(&form, &QHotForm::formChanged);
    // Saved unchanged, a moment later saved with a change: only the change
    // is a reload, once.
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v1"))));
    QTest::qWait(200); // part of the scenario: the form looks at the unchanged file
    QCOMPARE(form.form(), first.data());
    QVERIFY(saveByRename(m_path, formXml(QStringLiteral("Form v2"))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(heading(form), QStringLiteral("Form v2"));
}

QTEST_MAIN(tst_QHotForm)
#include "tst_qhotform.moc"
