/** Signing in and the password change. */
export default {
  signIn: {
    title: '登录',
    subtitle: '售货机运营管理控制台',
    tenantCode: '租户编号',
    tenantCodePlaceholder: '6 位数字',
    username: '用户名',
    password: '密码',
    submit: '登录',
    succeeded: '登录成功',
    unreachable: '无法连接服务器，请稍后再试',
    errors: {
      tenantCodeRequired: '请输入租户编号',
      tenantCodeFormat: '租户编号为 6 位数字',
      usernameRequired: '请输入用户名',
      passwordRequired: '请输入密码',
    },
  },
  changePassword: {
    title: '修改密码',
    forced: '首次登录或密码已被重置，请先设置新密码再继续使用。',
    currentPassword: '当前密码',
    newPassword: '新密码',
    confirmPassword: '确认新密码',
    rule: '8–25 位字母、数字或下划线',
    submit: '修改密码',
    succeeded: '密码已修改',
    signOut: '退出登录',
    errors: {
      currentRequired: '请输入当前密码',
      newRequired: '请输入新密码',
      newFormat: '新密码须为 8–25 位字母、数字或下划线',
      sameAsCurrent: '新密码不能与当前密码相同',
      confirmMismatch: '两次输入的新密码不一致',
    },
  },
};
